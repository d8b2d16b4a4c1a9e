/* The one definition of stb_image_write (Debian's libstb-dev header), compiled
   without Cockpit's warning flags because it is third-party code. */
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

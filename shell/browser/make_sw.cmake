# Writes the site's service worker (app/sw.js) from web/sw.js.in, at build time:
#   cmake -DSITE=<app dir> -DFILES=index.html,cockpit.js,... -DTEMPLATE=<sw.js.in> -P make_sw.cmake
# FILES are the shipped files, relative to SITE, separated by commas (a CMake list would
# not survive the custom command's argument splitting). Each one's SHA-256 goes into the worker
# (it checks what it downloads against them), and the version, which names the cache, is
# a hash of all of them and of the template: any change to any shipped file, or to the
# worker's code, is a new version. shell/CMakeLists.txt runs this after every relink of
# cockpit.wasm and whenever a copied file changes.
foreach(v SITE FILES TEMPLATE)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "make_sw.cmake: ${v} is not set")
  endif()
endforeach()

string(REPLACE "," ";" FILES "${FILES}")
list(SORT FILES)
file(SHA256 "${TEMPLATE}" _all)
set(_json "{\n")
set(_first TRUE)
foreach(f IN LISTS FILES)
  if(NOT EXISTS "${SITE}/${f}")
    message(FATAL_ERROR "make_sw.cmake: ${SITE}/${f} does not exist")
  endif()
  file(SHA256 "${SITE}/${f}" _h)
  string(APPEND _all "\n${f} ${_h}")
  if(NOT _first)
    string(APPEND _json ",\n")
  endif()
  set(_first FALSE)
  string(APPEND _json "  \"${f}\": \"${_h}\"")
endforeach()
string(APPEND _json "\n}")
string(SHA256 _version "${_all}")
string(SUBSTRING "${_version}" 0 16 COCKPIT_SW_VERSION)
set(COCKPIT_SW_FILES "${_json}")
configure_file("${TEMPLATE}" "${SITE}/sw.js" @ONLY)
file(TOUCH "${SITE}/sw.js")  # newer than its inputs even when the text did not change

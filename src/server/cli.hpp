#pragma once
// cockpit-server's command line: `serve` (the default) and the admin commands. The
// shell's main() only forwards here.
namespace cockpit::server {

int server_main(int argc, char** argv);

}  // namespace cockpit::server

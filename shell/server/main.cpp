// cockpit-server: the backend (HTTP API, accounts, sync). Everything is in src/server.
#include "server/cli.hpp"

int main(int argc, char** argv) { return cockpit::server::server_main(argc, argv); }

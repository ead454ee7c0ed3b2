// `portauth lookup`: the subcommand's command line; db/lookup_run.h does the lookup.
#pragma once

namespace CLI {
class App;
}

namespace portauth::app {

void add_lookup_command(CLI::App& app);

}  // namespace portauth::app

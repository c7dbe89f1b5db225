#pragma once

#include <QStringList>

namespace mmf {

// Everything mmf-server's main() does: parse the command line and run the server or a subcommand
// (`token issue`). Returns the process exit code: 0 ok, 1 runtime failure, 2 usage error.
int runServerMain(const QStringList& arguments);

} // namespace mmf

#pragma once

#include <QString>

namespace mwauth::cli {

// The exit statuses of every `mwauth` command. They are part of the CLI's contract
// (scripts test them) and are listed in every --help text by exitCodeHelp().
enum ExitCode : int {
    ExitOk = 0, // done; for a check (jwt verify): the token is valid
    ExitInvalid = 1, // the check ran and the token is not valid
    ExitUsage = 2, // the command line is wrong: unknown command or option, a missing or
                   // conflicting option, an option value that cannot be right
    ExitInputError = 3, // an input cannot be used: unreadable file, malformed token, key, JSON
                        // or base32, a network failure, a failure inside the crypto library
};

// The "Exit status:" section shown at the end of help texts.
QString exitCodeHelp();

} // namespace mwauth::cli

#pragma once
// Exit codes of the mailspec binary (DESIGN §1, README "Exit codes").

namespace mailspec::exit_code {
inline constexpr int ok = 0;           // every check passed (skips allowed)
inline constexpr int failed = 1;       // at least one check failed or errored
inline constexpr int usage = 2;        // bad arguments or suite error: nothing ran
inline constexpr int interrupted = 3;  // SIGINT/SIGTERM: partial reports were written
}  // namespace mailspec::exit_code

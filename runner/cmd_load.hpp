#pragma once
// `mailspec load`: a load generator like Postfix's smtp-source, with STARTTLS, AUTH and
// pipelining (docs/performance.md). `mailspec sink`: a discard SMTP server like smtp-sink.

#include <functional>

namespace CLI {
class App;
}

namespace mailspec {

// Exit codes of load: 0 every message accepted, 1 some failed, 2 usage or a destination that
// is not loopback/private without --i-know-this-sends-mail, 3 interrupted.
void add_load_command(CLI::App& app, std::function<int()>& action);
// Exit codes of sink: 0 after SIGINT/SIGTERM, --duration or --messages; 2 usage or cannot listen.
void add_sink_command(CLI::App& app, std::function<int()>& action);

}  // namespace mailspec

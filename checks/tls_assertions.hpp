#pragma once
// What the starttls and tls checks assert about a TLS session, shared by both: the certificate
// verifies (chain and name), stays valid long enough, and the server refuses protocol versions
// below a floor. The floor is probed on a second connection whose client offers only versions
// below it, so the verdict does not depend on what the main handshake happened to negotiate.

#include <optional>
#include <string>
#include <vector>

#include "checks/check_run.hpp"
#include "checks/spec_reader.hpp"
#include "transport/smtp_client.hpp"
#include "transport/tls.hpp"

namespace mailspec {

struct TlsAssertions {
    bool verify = true;  // chain trusted (system store or target ca_file) and name matches
    std::string name;    // name the certificate must match; empty: target tls_name or host
    std::optional<transport::TlsVersion> min_version;  // protocol floor
    std::optional<int> days_left;                      // certificate not_after >= now + N days
};

// Reads verify, name, min_version and days_left from a check's mapping.
void read_tls_assertions(Fields& f, TlsAssertions& a);

// Client options for the check's connections. Verification is judged by judge_session rather
// than by the engine, so an untrusted certificate is a `fail` that says why, not an error.
void apply_name(const TlsAssertions& a, transport::SmtpClientOptions& o);

// Problems of an established session ("certificate does not verify: ..."); `facts` collects
// what was seen, for the pass message.
void judge_session(const TlsAssertions& a, const transport::TlsInfo& info,
                   std::vector<std::string>& problems, std::vector<std::string>& facts);

// The highest version below the floor, which the probe offers; nullopt for a TLSv1 floor.
std::optional<transport::TlsVersion> version_below(transport::TlsVersion floor);

// True when a handshake error was the server's refusal (alert, close) rather than our side's
// inability to offer the version at all.
bool handshake_refused(const transport::StepError& e);

// The floor probe: connects again (STARTTLS or implicit TLS), offering only versions below
// a.min_version. A completed handshake is a problem, a refused one a fact, a probe that cannot
// be carried out an error. Its transcript is appended to `r` (its TLS properties are not).
boost::asio::awaitable<void> probe_floor(CheckRun& run, const TlsAssertions& a, bool implicit,
                                         Result& r, std::vector<std::string>& problems,
                                         std::vector<std::string>& facts,
                                         std::vector<std::string>& errors);

// Transcript and findings of a secondary connection.
void append_probe_evidence(transport::SmtpClient& client, Result& r);

std::string join_items(const std::vector<std::string>& items, const char* sep);

// A step that failed: when it was the handshake under test and the server refused it, the check
// fails ("<what><reason>"); any other failure is an error of the step.
Result handshake_outcome(const CheckRun& run, transport::SmtpClient& client,
                         const transport::StepError& e, bool handshaking, Result r,
                         const std::string& what);

// The verdict of a TLS check: any problem fails it, else any error makes it an error, else it
// passes with the facts ("TLSv1.3 TLS_AES_256_GCM_SHA384, certificate ..."), after `label`.
void conclude(Result& r, const std::vector<std::string>& problems,
              const std::vector<std::string>& errors, const std::vector<std::string>& facts,
              const std::string& label);

}  // namespace mailspec

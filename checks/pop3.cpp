#include "checks/pop3.hpp"

#include "checks/kinds.hpp"
#include "checks/mailbox_run.hpp"
#include "checks/smtp_support.hpp"
#include "transport/pop3_client.hpp"

namespace mailspec {

std::shared_ptr<const Check> parse_pop3(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<Pop3Check>();
    Fields f(ctx.reader, body, "pop3 of check '" + ctx.spec.id + "'");
    if (!f.valid()) return nullptr;
    if (!read_mailbox_access(f, c->access, false)) return nullptr;
    return c;
}

namespace {

using pop3::StepKind;

// What the shared flow (checks/mailbox_run.hpp) needs to know of POP3.
struct Pop3Traits {
    using Client = transport::Pop3Client;
    static constexpr const char* name = "POP3";
    static constexpr bool is_pop3 = true;
    static constexpr const char* starttls = "STLS";
    static constexpr const char* capability = "CAPA";
    static constexpr const char* logout = "QUIT";
    static constexpr const char* login_step = "USER/PASS";
    static constexpr const char* login_label = "login";
    static constexpr StepKind starttls_kind = StepKind::stls;
    static constexpr StepKind login_kind = StepKind::user_pass;

    static pop3::Limits limits() { return transport::probe_pop3_limits(); }
    static boost::asio::awaitable<void> probe_plaintext(CheckRun& run, const MailboxAccess& a,
                                                        Result& r, Verdict& v);
    static std::string messages_in(const MailboxAccess&) { return ""; }

    static std::string status_line(const pop3::Response& r) {
        return (r.status == pop3::Status::ok ? "+OK " : "-ERR ") + r.text;
    }
    static std::string said(const pop3::Outcome* o) {
        return o ? status_line(o->response) : std::string("not sent");
    }

    static bool greeting_ok(const pop3::Response& g) { return g.status == pop3::Status::ok; }
    static bool judge_greeting(const pop3::Response& g, Verdict& v) {
        if (greeting_ok(g)) return true;
        v.stop(Status::error, "server refused the session (" + status_line(g) + ")");
        return false;
    }

    static std::string describe(const pop3::Capabilities& caps) {
        return caps.empty() ? std::string("nothing") : join_words(caps.lines(), ", ");
    }
    // A CAPA item: "USER", or "SASL PLAIN" (keyword and one argument).
    static bool has(const pop3::Capabilities& caps, const std::string& item) {
        const auto space = item.find(' ');
        if (space == std::string::npos) return caps.has(item);
        const auto args = caps.args(item.substr(0, space));
        const std::string want = item.substr(space + 1);
        for (const auto& a : args)
            if (a.size() == want.size() &&
                std::equal(a.begin(), a.end(), want.begin(), [](char x, char y) {
                    return std::toupper(static_cast<unsigned char>(x)) ==
                           std::toupper(static_cast<unsigned char>(y));
                }))
                return true;
        return false;
    }

    static void queue_capability(pop3::Session& s) { s.capa(); }
    static void queue_starttls(pop3::Session& s) { s.stls(); }
    static void queue_logout(pop3::Session& s) { s.quit(); }
    static void queue_login(pop3::Session& s, const MailboxAccess& a, const std::string& pw) {
        s.login(a.user, pw);
        if (a.messages_at_least) s.stat();
    }

    // Try again later: IN-USE, LOGIN-DELAY (RFC 2449 §8.1) and SYS/TEMP (RFC 3206).
    static bool temporary(const pop3::Outcome* o) {
        const auto code = o ? pop3::response_code(o->response.text) : std::nullopt;
        return code && (*code == "SYS/TEMP" || *code == "IN-USE" || *code == "LOGIN-DELAY");
    }
    static void judge_messages(const pop3::Session& s, const MailboxAccess& a, Verdict& v) {
        const auto md = s.maildrop();
        if (!md)
            v.stop(Status::error, "STAT gave no message count");
        else if (md->messages >= *a.messages_at_least)
            v.facts.push_back(std::to_string(md->messages) + " messages");
        else
            v.problems.push_back(std::to_string(md->messages) + " messages, expected " +
                                 std::to_string(*a.messages_at_least) + "+");
    }
};

// USER/PASS before STLS with a dummy credential, on a connection of its own (a failed step
// ends a session's use, and the real session must still run STLS).
boost::asio::awaitable<void> Pop3Traits::probe_plaintext(CheckRun& run, const MailboxAccess& a,
                                                         Result& r, Verdict& v) {
    Client client(run.executor(), mailbox_options(run, a.tls), run.connector(), limits());
    auto& s = client.session();
    try {
        co_await client.open(endpoint_of(run.target()));
        if (s.greeting()->status != pop3::Status::ok) {
            v.stop(Status::error, "plaintext probe: greeting " + status_line(*s.greeting()));
        } else {
            client.connection().note("login before TLS with a dummy credential (user " +
                                     std::string(kDummyMailboxUser) + ")");
            s.login(kDummyMailboxUser, kDummyMailboxPassword);
            s.quit();
            co_await client.run("USER/PASS");
            const auto* o = s.last(StepKind::user_pass);
            if (o && o->ok)
                v.problems.push_back("login before TLS accepted a dummy credential (" +
                                     status_line(o->response) + ")");
            else if (o && !o->skipped)
                v.facts.push_back("login before TLS refused: " + status_line(o->response));
            else
                v.stop(Status::error, "plaintext probe: USER/PASS was not carried out");
        }
    } catch (const transport::StepError& e) {
        v.stop(Status::error, "plaintext probe: " + std::string(e.what()));
    }
    client.connection().close();
    attach_evidence(client.connection(), r);
}

}  // namespace

boost::asio::awaitable<void> Pop3Check::run(CheckRun& run) const {
    return run_mailbox_check<Pop3Traits>(run, access);
}

}  // namespace mailspec

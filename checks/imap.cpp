#include "checks/imap.hpp"

#include "checks/kinds.hpp"
#include "checks/mailbox_run.hpp"
#include "checks/smtp_support.hpp"
#include "transport/imap_client.hpp"

namespace mailspec {

std::shared_ptr<const Check> parse_imap(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<ImapCheck>();
    Fields f(ctx.reader, body, "imap of check '" + ctx.spec.id + "'");
    if (!f.valid()) return nullptr;
    if (!read_mailbox_access(f, c->access, true)) return nullptr;
    return c;
}

std::string imap_status_line(const imap::Response& r) {
    std::string s(imap::to_string(r.condition));
    if (!r.code.empty()) s += " [" + r.code + (r.code_args.empty() ? "" : " " + r.code_args) + "]";
    if (!r.text.empty()) s += " " + r.text;
    return s;
}

namespace {

using imap::StepKind;

// What the shared flow (checks/mailbox_run.hpp) needs to know of IMAP.
struct ImapTraits {
    using Client = transport::ImapClient;
    static constexpr const char* name = "IMAP";
    static constexpr bool is_pop3 = false;
    static constexpr const char* starttls = "STARTTLS";
    static constexpr const char* capability = "CAPABILITY";
    static constexpr const char* logout = "LOGOUT";
    static constexpr const char* login_step = "LOGIN";
    static constexpr const char* login_label = "LOGIN";
    static constexpr StepKind starttls_kind = StepKind::starttls;
    static constexpr StepKind login_kind = StepKind::login;

    static imap::Limits limits() { return transport::probe_imap_limits(); }
    static boost::asio::awaitable<void> probe_plaintext(CheckRun& run, const MailboxAccess& a,
                                                        Result& r, Verdict& v);
    static std::string messages_in(const MailboxAccess& a) { return " in " + a.mailbox; }
    static std::string status_line(const imap::Response& g) { return imap_status_line(g); }

    // What a command's outcome said: the tagged response, or the client-side reason it was
    // not sent.
    static std::string said(const imap::Outcome* o) {
        if (!o) return "not sent";
        if (!o->failure.empty() && o->completion.condition == imap::Condition::none)
            return o->failure;
        return imap_status_line(o->completion);
    }

    static bool greeting_ok(const imap::Response& g) { return g.condition == imap::Condition::ok; }
    static bool judge_greeting(const imap::Response& g, Verdict& v) {
        if (g.condition == imap::Condition::preauth) {
            v.problems.push_back("PREAUTH greeting: logged in without credentials (" +
                                 imap_status_line(g) + ")");
            return false;
        }
        if (g.condition != imap::Condition::ok) {
            v.stop(Status::error, "server refused the session (" + imap_status_line(g) + ")");
            return false;
        }
        return true;
    }

    static std::string describe(const imap::Capabilities& caps) {
        return caps.empty() ? std::string("nothing") : join_words(caps.atoms(), " ");
    }
    static bool has(const imap::Capabilities& caps, const std::string& c) { return caps.has(c); }

    static void queue_capability(imap::Session& s) { s.capability(); }
    static void queue_starttls(imap::Session& s) { s.starttls(); }
    static void queue_logout(imap::Session& s) { s.logout(); }
    static void queue_login(imap::Session& s, const MailboxAccess& a, const std::string& pw) {
        s.login(a.user, pw);
        if (a.messages_at_least) s.examine(a.mailbox);
    }

    static bool temporary(const imap::Outcome* o) {
        return o && (o->completion.code == "UNAVAILABLE" || o->completion.code == "INUSE");
    }
    static void judge_messages(const imap::Session& s, const MailboxAccess& a, Verdict& v) {
        const auto* e = s.last(StepKind::examine);
        const auto exists = s.mailbox().exists;
        if (!e || !e->ok)
            v.stop(Status::error, "EXAMINE " + a.mailbox + " failed (" + said(e) + ")");
        else if (!exists)
            v.stop(Status::error, "EXAMINE " + a.mailbox + " gave no EXISTS count");
        else if (*exists >= *a.messages_at_least)
            v.facts.push_back(std::to_string(*exists) + " messages in " + a.mailbox);
        else
            v.problems.push_back(std::to_string(*exists) + " messages in " + a.mailbox +
                                 ", expected " + std::to_string(*a.messages_at_least) + "+");
    }
};

// LOGIN before STARTTLS with a dummy credential, on a connection of its own (a failed step ends
// a session's use). LOGINDISABLED keeps even the dummy from being sent.
boost::asio::awaitable<void> ImapTraits::probe_plaintext(CheckRun& run, const MailboxAccess& a,
                                                         Result& r, Verdict& v) {
    Client client(run.executor(), mailbox_options(run, a.tls), run.connector(), limits());
    auto& s = client.session();
    try {
        co_await client.open(endpoint_of(run.target()));
        const auto cond = s.greeting()->condition;
        if (cond != imap::Condition::ok) {
            v.stop(Status::error, "plaintext probe: greeting " + imap_status_line(*s.greeting()));
        } else {
            s.capability();
            co_await client.run("CAPABILITY");
            if (s.capabilities().has("LOGINDISABLED")) {
                v.facts.push_back("LOGINDISABLED before TLS");
            } else {
                client.connection().note("LOGIN before TLS with a dummy credential (user " +
                                         std::string(kDummyMailboxUser) + ")");
                s.login(kDummyMailboxUser, kDummyMailboxPassword);
                co_await client.run("LOGIN");
                const auto* o = s.last(StepKind::login);
                if (o && o->ok)
                    v.problems.push_back("LOGIN before TLS accepted a dummy credential (" +
                                         said(o) + ")");
                else if (o && !o->skipped)
                    v.facts.push_back("LOGIN before TLS refused: " + said(o));
                else
                    v.stop(Status::error, "plaintext probe: LOGIN was not carried out");
            }
            s.logout();
            co_await client.run("LOGOUT");
        }
    } catch (const transport::StepError& e) {
        if (v.problems.empty() && v.facts.empty())
            v.stop(Status::error, "plaintext probe: " + std::string(e.what()));
    }
    client.connection().close();
    attach_evidence(client.connection(), r);
}

}  // namespace

boost::asio::awaitable<void> ImapCheck::run(CheckRun& run) const {
    return run_mailbox_check<ImapTraits>(run, access);
}

}  // namespace mailspec

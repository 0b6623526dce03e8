#pragma once
// The RFC 7208 check_host() function, kept sans-I/O: evaluate() runs the whole check against a
// cache of DNS answers. When it needs an answer the cache does not hold, it stops and returns
// the questions to ask; the driver (check.hpp) resolves them and runs evaluate() again with the
// cache filled. Evaluation is deterministic for a given cache, so each rerun retraces the same
// path and the number of reruns is bounded by the §4.6.4 lookup limits.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/dns/ip_address.hpp"
#include "protocol/dns/types.hpp"
#include "protocol/spf/result.hpp"

namespace mailspec::spf {

// RFC 7208 §4.6.4 processing limits (the defaults are the RFC's).
struct Limits {
    unsigned dns_terms = 10;    // include, a, mx, ptr, exists, redirect
    unsigned void_lookups = 2;  // NXDOMAIN / NODATA answers to those terms
    unsigned mx_names = 10;     // MX records per "mx" term (more: permerror)
    unsigned ptr_names = 10;    // PTR names per "ptr" term or %{p} (more: ignored)
};

enum class Identity { mail_from, helo };

struct Request {
    dns::IpAddress ip;
    std::string sender;  // MAIL FROM address; empty for the null reverse-path "<>"
    std::string helo;    // HELO/EHLO name
    Identity identity = Identity::mail_from;
    std::string receiver = "unknown";  // %{r}
    std::int64_t timestamp = 0;        // %{t}
    Limits limits;
};

class LookupCache {
  public:
    const dns::Answer* find(const dns::Question& q) const;
    void store(const dns::Question& q, dns::Answer a);
    std::size_t size() const { return answers_.size(); }

  private:
    std::map<dns::Question, dns::Answer> answers_;
};

// Names in questions are lowercased, without a trailing dot, so cache keys match.
dns::Question make_question(std::string name, dns::RrType type);

struct Step {
    std::optional<Result> result;      // set when the check is complete
    std::vector<dns::Question> needs;  // otherwise: resolve these, store them, call again
};

Step evaluate(const Request& request, const LookupCache& cache);

// The explanation used for "fail" when the record has no usable exp= (§6.2 allows a local one).
inline constexpr const char* kDefaultExplanation =
    "%{c} is not allowed to send mail for %{d} (SPF fail, sender %{s})";

}  // namespace mailspec::spf

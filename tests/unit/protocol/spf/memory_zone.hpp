#pragma once
// In-memory DNS zone behind the dns::Resolver interface for SPF unit tests. Answers
// synchronously; names without records of the asked type give NODATA when the name holds any
// record, NXDOMAIN otherwise; chosen questions can be made to fail (SERVFAIL, timeout). Counts
// the queries it receives so tests can assert the RFC 7208 §4.6.4 limits.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "protocol/dns/resolver.hpp"
#include "protocol/spf/check.hpp"
#include "protocol/text.hpp"

namespace mailspec::test {

class MemoryZone : public dns::Resolver {
  public:
    MemoryZone& txt(const std::string& name, std::vector<std::string> records) {
        auto& a = at(name, dns::RrType::txt);
        for (auto& r : records)
            a.texts.push_back(std::move(r));
        return *this;
    }
    MemoryZone& a(const std::string& name, const std::vector<std::string>& ips) {
        for (const auto& ip : ips) {
            auto addr = *dns::IpAddress::parse(ip);
            at(name, addr.is_v4() ? dns::RrType::a : dns::RrType::aaaa).addresses.push_back(addr);
        }
        return *this;
    }
    MemoryZone& mx(const std::string& name, const std::vector<std::string>& hosts) {
        auto& a = at(name, dns::RrType::mx);
        std::uint16_t pref = 10;
        for (const auto& h : hosts)
            a.mx.push_back({pref++, h});
        return *this;
    }
    MemoryZone& ptr(const std::string& ip, const std::vector<std::string>& names) {
        auto& a = at(dns::IpAddress::parse(ip)->reverse_name(), dns::RrType::ptr);
        for (const auto& n : names)
            a.names.push_back(n);
        return *this;
    }
    // The name exists (NODATA for every type) without any record.
    MemoryZone& exists_empty(const std::string& name) {
        names_.insert(text::to_lower(name));
        return *this;
    }
    MemoryZone& fail(const std::string& name, dns::RrType type, dns::Status s) {
        at(name, type) = dns::Answer::with_status(s, "injected");
        return *this;
    }

    void resolve(const dns::Question& q, Handler done) override {
        ++queries;
        asked.push_back(q);
        auto key = std::make_pair(text::to_lower(q.name), q.type);
        auto it = records_.find(key);
        if (it != records_.end()) {
            done(it->second);
            return;
        }
        done(dns::Answer::with_status(names_.count(key.first) ? dns::Status::nodata
                                                              : dns::Status::nxdomain));
    }

    unsigned count(const std::string& name, dns::RrType type) const {
        unsigned n = 0;
        for (const auto& q : asked)
            if (text::iequals(q.name, name) && q.type == type) ++n;
        return n;
    }

    unsigned queries = 0;
    std::vector<dns::Question> asked;

  private:
    dns::Answer& at(const std::string& name, dns::RrType type) {
        auto n = text::to_lower(name);
        names_.insert(n);
        return records_[{n, type}];
    }
    std::map<std::pair<std::string, dns::RrType>, dns::Answer> records_;
    std::set<std::string> names_;
};

// Test fixture shape shared by the RFC 7208 section tests.
struct SpfCheck {
    MemoryZone zone;
    spf::Request request(const std::string& ip, const std::string& sender,
                         const std::string& helo = "mx.client.example") {
        spf::Request r;
        r.ip = *dns::IpAddress::parse(ip);
        r.sender = sender;
        r.helo = helo;
        r.receiver = "mx.receiver.example";
        r.timestamp = 1700000000;
        return r;
    }
    spf::Result run(const std::string& ip, const std::string& sender,
                    const std::string& helo = "mx.client.example") {
        return spf::check_host(zone, request(ip, sender, helo));
    }
    spf::Code code(const std::string& ip, const std::string& sender,
                   const std::string& helo = "mx.client.example") {
        return run(ip, sender, helo).code;
    }
};

}  // namespace mailspec::test

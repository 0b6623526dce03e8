#pragma once
// Parsers of the built-in check kinds, one per file in checks/. registry.cpp lists them.

#include "checks/check.hpp"

namespace mailspec {

std::shared_ptr<const Check> parse_banner(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_capabilities(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_relay(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_auth_required(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_auth(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_starttls(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_tls(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_tls_scan(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_recipient(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_sender(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_vrfy(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_spf_reject(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_error_limit(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_early_talker(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_dialogue(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_pop3(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_imap(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_delivery(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_dane(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_mx(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_spf_record(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_dmarc(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_tls_rpt(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_dkim(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_mta_sts(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_ports(const yaml::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_queue(const yaml::Node& body, ParseContext& ctx);

}  // namespace mailspec

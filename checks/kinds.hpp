#pragma once
// Parsers of the built-in check kinds, one per file in checks/. registry.cpp lists them.

#include "checks/check.hpp"

namespace mailspec {

std::shared_ptr<const Check> parse_banner(const YAML::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_capabilities(const YAML::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_relay(const YAML::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_auth_required(const YAML::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_auth(const YAML::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_starttls(const YAML::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_tls(const YAML::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_recipient(const YAML::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_sender(const YAML::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_vrfy(const YAML::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_spf_reject(const YAML::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_error_limit(const YAML::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_early_talker(const YAML::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_dialogue(const YAML::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_pop3(const YAML::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_imap(const YAML::Node& body, ParseContext& ctx);
std::shared_ptr<const Check> parse_delivery(const YAML::Node& body, ParseContext& ctx);

}  // namespace mailspec

#pragma once
// Text helpers shared by the reporters. Transcripts hold raw bytes from a possibly hostile
// server; XML 1.0, YAML and terminals cannot carry every byte, so the human-readable formats
// show such bytes visibly escaped (docs/reports.md "Bytes that cannot be shown").

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "model/result.hpp"

namespace mailspec::reports {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view s);

// text::escape(): valid UTF-8 without characters XML 1.0, YAML, TAP or a terminal choke on,
// reversible with text::unescape() (backslashes doubled, bad bytes and controls as \xNN).
std::string visible(std::string_view s, bool keep_newlines = false);

// A YAML double-quoted scalar for any bytes: visible() with newlines kept, then YAML escapes.
std::string yaml_quote(std::string_view s);
// The same for text that is visible() already (finding_line, transcript_line).
std::string yaml_quote_visible(std::string_view visible_text);

// Seconds with exactly three decimals ("0.012"), as JUnit and the console print them.
std::string seconds3(std::chrono::nanoseconds d);

// "2026-11-21T22:33:00.123Z" (with_zone) or "2026-11-21T22:33:00" (JUnit: UTC, no zone).
std::string iso8601_utc(std::chrono::system_clock::time_point t, bool with_zone = true);
// Parses what iso8601_utc(t, true) writes (milliseconds optional); nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> parse_iso8601_utc(std::string_view s);

// "violation: reply to EHLO: reply line 3 ends in a bare LF": one finding, shown safely.
std::string finding_line(const Finding& f);

// "+0.012s <- 220 mail.lab.test ESMTP": one transcript line as the text reports print it.
std::string transcript_line(const TranscriptLine& line);

}  // namespace mailspec::reports

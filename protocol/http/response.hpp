#pragma once
// A bounded HTTP/1.1 response parser (RFC 9112) for fetching small documents such as MTA-STS
// policies: status line, header fields, then a body framed by Content-Length, chunked
// transfer coding, or the end of the connection. Everything is bounded: header section and
// body caps, chunk-size digits; a response above a cap is an error, not truncated.
// Pure: it is handed what was read so far and says whether it needs more.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailspec::http {

struct ResponseLimits {
    std::size_t max_header_bytes = 16 * 1024;
    std::size_t max_body_bytes = 64 * 1024;
};

struct Response {
    int status = 0;
    std::string reason;
    std::vector<std::pair<std::string, std::string>> headers;  // names lowercased, in order
    std::string body;
    const std::string* header(std::string_view lowercase_name) const;
};

enum class ParseState { need_more, complete, error };

struct ParseOutcome {
    ParseState state = ParseState::need_more;
    Response response;  // when complete
    std::string error;  // when error
};

// `data`: every byte read so far; `eof`: the peer closed the connection after them.
ParseOutcome parse_response(std::string_view data, bool eof,
                            const ResponseLimits& limits = ResponseLimits{});

// "GET /.well-known/mta-sts.txt HTTP/1.1" with Host, Connection: close, a User-Agent.
std::string make_get_request(std::string_view host, std::string_view path);

}  // namespace mailspec::http

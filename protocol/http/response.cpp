#include "protocol/http/response.hpp"

namespace mailspec::http {

namespace {

std::string lower(std::string_view s) {
    std::string o(s);
    for (auto& c : o)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return o;
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

ParseOutcome fail(std::string why) {
    ParseOutcome o;
    o.state = ParseState::error;
    o.error = std::move(why);
    return o;
}

// Finds the end of the line starting at `pos` (CRLF; a bare LF is tolerated, RFC 9112 §2.2).
// Returns npos when no line end is there yet; `next` is the position after it.
std::size_t line_end(std::string_view d, std::size_t pos, std::size_t& next) {
    auto nl = d.find('\n', pos);
    if (nl == std::string_view::npos) return nl;
    next = nl + 1;
    return nl > pos && d[nl - 1] == '\r' ? nl - 1 : nl;
}

bool parse_size(std::string_view digits, bool hex, std::size_t& out) {
    if (digits.empty() || digits.size() > (hex ? 8 : 10)) return false;
    std::size_t v = 0;
    for (char c : digits) {
        int d = -1;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (hex && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        if (d < 0) return false;
        v = v * (hex ? 16 : 10) + static_cast<std::size_t>(d);
    }
    out = v;
    return true;
}

}  // namespace

const std::string* Response::header(std::string_view lowercase_name) const {
    for (const auto& [k, v] : headers)
        if (k == lowercase_name) return &v;
    return nullptr;
}

ParseOutcome parse_response(std::string_view d, bool eof, const ResponseLimits& limits) {
    ParseOutcome out;
    Response& r = out.response;
    // Header section: up to the empty line.
    std::size_t pos = 0, next = 0;
    auto end = line_end(d, pos, next);
    if (end == std::string_view::npos) {
        if (d.size() > limits.max_header_bytes) return fail("status line longer than the cap");
        if (eof)
            return fail(d.empty() ? "connection closed without a response"
                                  : "connection closed inside the status line");
        return out;
    }
    std::string_view status_line = d.substr(0, end);
    if (status_line.substr(0, 7) != "HTTP/1." || status_line.size() < 12 || status_line[8] != ' ')
        return fail("not an HTTP/1.x status line: '" + std::string(status_line.substr(0, 80)) +
                    "'");
    std::size_t code = 0;
    if (!parse_size(status_line.substr(9, 3), false, code) || code < 100 || code > 599 ||
        (status_line.size() > 12 && status_line[12] != ' '))
        return fail("bad status code in '" + std::string(status_line.substr(0, 80)) + "'");
    r.status = static_cast<int>(code);
    r.reason = std::string(status_line.size() > 13 ? status_line.substr(13) : "");
    pos = next;
    bool headers_done = false;
    while (!headers_done) {
        end = line_end(d, pos, next);
        if (end == std::string_view::npos) {
            if (d.size() > limits.max_header_bytes) return fail("header section above the cap");
            if (eof) return fail("connection closed inside the header section");
            return out;
        }
        if (next > limits.max_header_bytes) return fail("header section above the cap");
        std::string_view line = d.substr(pos, end - pos);
        pos = next;
        if (line.empty()) {
            headers_done = true;
            break;
        }
        if (line.front() == ' ' || line.front() == '\t')
            return fail("obsolete line folding in a header (RFC 9112 §5.2)");
        auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            return fail("header line without a name: '" + std::string(line.substr(0, 80)) + "'");
        std::string name = lower(line.substr(0, colon));
        if (name.find_first_of(" \t") != std::string::npos)
            return fail("whitespace in header name '" + name + "'");
        r.headers.emplace_back(std::move(name), std::string(trim_ows(line.substr(colon + 1))));
    }
    std::string_view rest = d.substr(pos);
    // 1xx, 204 and 304 have no body (RFC 9112 §6.3).
    if (r.status < 200 || r.status == 204 || r.status == 304) {
        out.state = ParseState::complete;
        return out;
    }
    const std::string* te = r.header("transfer-encoding");
    const std::string* cl = r.header("content-length");
    if (te) {
        if (lower(*te) != "chunked") return fail("transfer-encoding '" + *te + "' is not chunked");
        std::size_t p = 0, n = 0;
        std::string body;
        for (;;) {
            auto e = line_end(rest, p, n);
            if (e == std::string_view::npos) {
                if (rest.size() - p > 32) return fail("chunk-size line too long");
                if (eof) return fail("connection closed inside the chunked body");
                return out;
            }
            std::string_view size_line = rest.substr(p, e - p);
            size_line = size_line.substr(0, size_line.find(';'));  // chunk extensions
            std::size_t size = 0;
            if (!parse_size(trim_ows(size_line), true, size))
                return fail("bad chunk size '" + std::string(size_line.substr(0, 20)) + "'");
            if (body.size() + size > limits.max_body_bytes)
                return fail("body above the cap of " + std::to_string(limits.max_body_bytes) +
                            " bytes");
            p = n;
            if (size == 0) {
                // Trailer section up to the empty line.
                for (;;) {
                    auto te2 = line_end(rest, p, n);
                    if (te2 == std::string_view::npos) {
                        if (eof) return fail("connection closed inside the trailers");
                        return out;
                    }
                    bool empty = te2 == p;
                    p = n;
                    if (empty) break;
                }
                r.body = std::move(body);
                out.state = ParseState::complete;
                return out;
            }
            if (rest.size() < p + size + 1) {
                if (eof) return fail("connection closed inside a chunk");
                return out;
            }
            body.append(rest.substr(p, size));
            p += size;
            auto ce = line_end(rest, p, n);
            if (ce == std::string_view::npos) {
                if (eof) return fail("connection closed after a chunk");
                return out;
            }
            if (ce != p) return fail("chunk data longer than its size");
            p = n;
        }
    }
    if (cl) {
        std::size_t len = 0;
        if (!parse_size(*cl, false, len)) return fail("bad content-length '" + *cl + "'");
        if (len > limits.max_body_bytes)
            return fail("content-length " + *cl + " above the cap of " +
                        std::to_string(limits.max_body_bytes) + " bytes");
        if (rest.size() < len) {
            if (eof) return fail("connection closed before content-length bytes arrived");
            return out;
        }
        r.body = std::string(rest.substr(0, len));
        out.state = ParseState::complete;
        return out;
    }
    // Neither: the body runs to the end of the connection.
    if (rest.size() > limits.max_body_bytes)
        return fail("body above the cap of " + std::to_string(limits.max_body_bytes) + " bytes");
    if (!eof) return out;
    r.body = std::string(rest);
    out.state = ParseState::complete;
    return out;
}

std::string make_get_request(std::string_view host, std::string_view path) {
    std::string s = "GET ";
    s += path;
    s += " HTTP/1.1\r\nHost: ";
    s += host;
    s += "\r\nUser-Agent: mailspec\r\nAccept: text/plain\r\nConnection: close\r\n\r\n";
    return s;
}

}  // namespace mailspec::http

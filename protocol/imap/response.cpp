#include "protocol/imap/response.hpp"

#include "protocol/text.hpp"

namespace mailspec::imap {

bool Value::is_atom(std::string_view name) const {
    return (kind == Kind::atom || kind == Kind::number) && text::iequals(text, name);
}

std::string_view to_string(Condition c) {
    switch (c) {
        case Condition::none:
            return "";
        case Condition::ok:
            return "OK";
        case Condition::no:
            return "NO";
        case Condition::bad:
            return "BAD";
        case Condition::preauth:
            return "PREAUTH";
        case Condition::bye:
            return "BYE";
    }
    return "";
}

namespace {

struct Fail {
    Error error;
};

// Walks the segments of a frame; a literal marker at the end of a segment yields that literal.
class Lexer {
  public:
    Lexer(const Frame& f, const Limits& l) : f_(f), limits_(l) {}

    bool at_end() const { return seg_ + 1 >= f_.segments.size() && pos_ >= cur().size(); }
    char peek() const { return pos_ < cur().size() ? cur()[pos_] : '\0'; }
    bool more_in_segment() const { return pos_ < cur().size(); }
    void skip_spaces() {
        while (more_in_segment() && cur()[pos_] == ' ')
            ++pos_;
    }
    std::string_view rest() const { return std::string_view(cur()).substr(pos_); }
    void advance(std::size_t n) { pos_ += n; }

    // An atom: up to SP, parens or end; a "[...]" section is kept whole (BODY[HEADER.FIELDS (A)]).
    std::string atom() {
        std::string out;
        int brackets = 0;
        while (more_in_segment()) {
            char c = cur()[pos_];
            if (brackets == 0 && (c == ' ' || c == '(' || c == ')' || c == '"' || c == '{')) break;
            if (c == '[') ++brackets;
            if (c == ']' && brackets > 0) --brackets;
            out += c;
            ++pos_;
        }
        return out;
    }

    std::vector<Value> values(std::size_t depth, bool in_list) {
        if (depth > limits_.max_depth) throw Fail{Error::nesting_too_deep};
        std::vector<Value> out;
        for (;;) {
            skip_spaces();
            if (!more_in_segment()) {
                if (at_end() && !in_list) return out;
                throw Fail{Error::malformed};  // unclosed list, or a literal marker lost
            }
            char c = peek();
            if (c == ')') {
                if (!in_list) throw Fail{Error::malformed};
                ++pos_;
                return out;
            }
            out.push_back(value(depth));
        }
    }

    Value value(std::size_t depth) {
        Value v;
        char c = peek();
        if (c == '(') {
            ++pos_;
            v.kind = Value::Kind::list;
            v.items = values(depth + 1, true);
        } else if (c == '"') {
            v.kind = Value::Kind::string;
            v.text = quoted();
        } else if (c == '{') {
            v.kind = Value::Kind::string;
            v.text = literal();
        } else {
            v.text = atom();
            if (v.text.empty()) throw Fail{Error::malformed};
            if (text::iequals(v.text, "NIL")) {
                v.kind = Value::Kind::nil;
            } else if (v.text.size() <= 19 &&
                       v.text.find_first_not_of("0123456789") == std::string::npos) {
                v.kind = Value::Kind::number;
                for (char d : v.text)
                    v.number = v.number * 10 + static_cast<unsigned>(d - '0');
            } else {
                v.kind = Value::Kind::atom;
            }
        }
        return v;
    }

    std::string quoted() {
        ++pos_;  // opening quote
        std::string out;
        while (more_in_segment()) {
            char c = cur()[pos_++];
            if (c == '"') return out;
            if (c == '\\' && more_in_segment()) c = cur()[pos_++];
            out += c;
        }
        throw Fail{Error::malformed};
    }

    std::string literal() {
        auto m = literal_marker(rest());
        if (!m || m->length != rest().size() || seg_ >= f_.literals.size())
            throw Fail{Error::malformed};
        std::string out = f_.literals[seg_];
        ++seg_;
        pos_ = 0;
        return out;
    }

  private:
    const std::string& cur() const { return f_.segments[seg_]; }
    const Frame& f_;
    const Limits& limits_;
    std::size_t seg_ = 0;
    std::size_t pos_ = 0;
};

Condition condition_of(std::string_view word) {
    if (text::iequals(word, "OK")) return Condition::ok;
    if (text::iequals(word, "NO")) return Condition::no;
    if (text::iequals(word, "BAD")) return Condition::bad;
    if (text::iequals(word, "PREAUTH")) return Condition::preauth;
    if (text::iequals(word, "BYE")) return Condition::bye;
    return Condition::none;
}

// resp-text = ["[" resp-text-code "]" SP] text; lenient about the SP and missing text.
void resp_text(std::string_view s, Response& r) {
    if (!s.empty() && s[0] == '[') {
        auto close = s.find(']');
        if (close == std::string_view::npos) throw Fail{Error::malformed};
        std::string_view code = s.substr(1, close - 1);
        auto sp = code.find(' ');
        r.code = text::to_upper(code.substr(0, sp));
        if (sp != std::string_view::npos) r.code_args = std::string(code.substr(sp + 1));
        s.remove_prefix(close + 1);
        if (!s.empty() && s[0] == ' ') s.remove_prefix(1);
    }
    r.text = std::string(s);
}

bool valid_tag(std::string_view tag) {
    if (tag.empty()) return false;
    for (char c : tag) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '(' || c == ')' || c == '{' || c == '%' || c == '*' ||
            c == '"' || c == '\\' || c == '+')
            return false;
    }
    return true;
}

}  // namespace

std::variant<Response, Error> parse_response(const Frame& frame, const Limits& limits) {
    if (frame.segments.empty()) return Error::malformed;
    try {
        Response r;
        std::string_view first = frame.segments[0];
        if (first.starts_with("+")) {
            r.kind = Response::Kind::continuation;
            first.remove_prefix(1);
            if (!first.empty() && first[0] == ' ') first.remove_prefix(1);
            r.text = std::string(first);
            return r;
        }
        Lexer lex(frame, limits);
        if (first.starts_with("* ")) {
            r.kind = Response::Kind::untagged;
            lex.advance(2);
        } else {
            auto sp = first.find(' ');
            if (sp == std::string_view::npos || !valid_tag(first.substr(0, sp)))
                return Error::malformed;
            r.kind = Response::Kind::tagged;
            r.tag = std::string(first.substr(0, sp));
            lex.advance(sp + 1);
        }
        std::string word = lex.atom();
        if (r.kind == Response::Kind::untagged && !word.empty() &&
            word.find_first_not_of("0123456789") == std::string::npos && word.size() <= 19) {
            r.number = std::stoull(word);
            lex.skip_spaces();
            word = lex.atom();
        }
        if (word.empty()) return Error::malformed;
        r.condition = r.number ? Condition::none : condition_of(word);
        if (r.condition != Condition::none) {
            if (r.kind == Response::Kind::tagged &&
                (r.condition == Condition::preauth || r.condition == Condition::bye))
                return Error::malformed;
            if (lex.peek() == ' ') lex.advance(1);
            resp_text(lex.rest(), r);
            return r;
        }
        if (r.kind == Response::Kind::tagged) return Error::malformed;
        r.name = text::to_upper(word);
        r.data = lex.values(0, false);
        return r;
    } catch (const Fail& f) {
        return f.error;
    }
}

}  // namespace mailspec::imap

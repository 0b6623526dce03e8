#include "protocol/imap/mailbox.hpp"

#include "protocol/text.hpp"

namespace mailspec::imap {

namespace {

std::optional<std::uint64_t> number_arg(const std::string& args) {
    auto w = text::split_words(args);
    if (w.empty() || w[0].size() > 19 || w[0].find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    return std::stoull(std::string(w[0]));
}

std::vector<std::string> atoms_of(const Value& list) {
    std::vector<std::string> out;
    for (const auto& v : list.items)
        if (v.kind == Value::Kind::atom) out.push_back(v.text);
    return out;
}

}  // namespace

bool apply(Mailbox& m, const Response& r) {
    if (r.kind == Response::Kind::untagged && r.number) {
        if (r.name == "EXISTS") return m.exists = *r.number, true;
        if (r.name == "RECENT") return m.recent = *r.number, true;
        return false;
    }
    if (r.name == "FLAGS" && !r.data.empty() && r.data[0].kind == Value::Kind::list) {
        m.flags = atoms_of(r.data[0]);
        return true;
    }
    if (r.code.empty()) return false;
    if (r.code == "UIDVALIDITY") return (m.uidvalidity = number_arg(r.code_args)), true;
    if (r.code == "UIDNEXT") return (m.uidnext = number_arg(r.code_args)), true;
    if (r.code == "UNSEEN") return (m.unseen = number_arg(r.code_args)), true;
    if (r.code == "READ-ONLY") return m.read_only = true, true;
    if (r.code == "READ-WRITE") return m.read_only = false, true;
    if (r.code == "PERMANENTFLAGS") {
        std::string_view a = r.code_args;
        if (a.starts_with("(")) a.remove_prefix(1);
        if (a.ends_with(")")) a.remove_suffix(1);
        m.permanent_flags.clear();
        for (auto w : text::split_words(a))
            m.permanent_flags.emplace_back(w);
        return true;
    }
    return false;
}

std::optional<FetchItem> fetch_item(const Response& r) {
    if (r.kind != Response::Kind::untagged || !r.number || r.name != "FETCH" ||
        r.data.size() != 1 || r.data[0].kind != Value::Kind::list)
        return std::nullopt;
    const auto& items = r.data[0].items;
    if (items.size() % 2 != 0) return std::nullopt;
    FetchItem f;
    f.message = *r.number;
    for (std::size_t i = 0; i < items.size(); i += 2) {
        const Value& name = items[i];
        const Value& v = items[i + 1];
        if (name.kind != Value::Kind::atom) return std::nullopt;
        std::string key = text::to_upper(name.text);
        if (key == "UID" && v.kind == Value::Kind::number) {
            f.uid = v.number;
        } else if (key == "RFC822.SIZE" && v.kind == Value::Kind::number) {
            f.size = v.number;
        } else if (key == "FLAGS" && v.kind == Value::Kind::list) {
            f.flags = atoms_of(v);
        } else if (v.kind == Value::Kind::string) {
            f.sections[key] = v.text;  // BODY[...], RFC822.HEADER, ...
        }
    }
    return f;
}

std::optional<std::vector<std::uint64_t>> search_result(const Response& r) {
    if (r.kind != Response::Kind::untagged || r.name != "SEARCH") return std::nullopt;
    std::vector<std::uint64_t> out;
    for (const auto& v : r.data) {
        if (v.kind != Value::Kind::number) return std::nullopt;
        out.push_back(v.number);
    }
    return out;
}

}  // namespace mailspec::imap

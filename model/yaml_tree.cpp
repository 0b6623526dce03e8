#include "model/yaml_tree.hpp"

#include <yaml.h>

#include <map>

namespace mailspec::yaml {

// ---- Node ----

namespace {
bool null_word(std::string_view s) {
    return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}
}  // namespace

bool Node::is_null() const {
    return doc_ && doc_->nodes_[index_].kind == Document::Kind::null;
}
bool Node::is_scalar() const {
    return doc_ && doc_->nodes_[index_].kind == Document::Kind::scalar;
}
bool Node::is_list() const {
    return doc_ && doc_->nodes_[index_].kind == Document::Kind::list;
}
bool Node::is_map() const {
    return doc_ && doc_->nodes_[index_].kind == Document::Kind::map;
}

std::string_view Node::scalar() const {
    if (!doc_) return {};
    const auto& d = doc_->nodes_[index_];
    if (d.kind != Document::Kind::scalar && d.kind != Document::Kind::null) return {};
    return std::string_view(doc_->text_).substr(d.first, d.count);
}

Mark Node::mark() const {
    return doc_ ? doc_->nodes_[index_].mark : Mark{};
}

std::size_t Node::size() const {
    if (!doc_) return 0;
    const auto& d = doc_->nodes_[index_];
    return d.kind == Document::Kind::list || d.kind == Document::Kind::map ? d.count : 0;
}

Node Node::operator[](std::size_t i) const {
    if (!is_list() || i >= size()) return {};
    return Node(doc_, doc_->children_[doc_->nodes_[index_].first + i]);
}

Node Node::key(std::size_t i) const {
    if (!is_map() || i >= size()) return {};
    return Node(doc_, doc_->children_[doc_->nodes_[index_].first + 2 * i]);
}

Node Node::value(std::size_t i) const {
    if (!is_map() || i >= size()) return {};
    return Node(doc_, doc_->children_[doc_->nodes_[index_].first + 2 * i + 1]);
}

Node Node::get(std::string_view k) const {
    for (std::size_t i = 0, n = is_map() ? size() : 0; i < n; ++i) {
        Node key_node = key(i);
        if (key_node.is_scalar() && key_node.scalar() == k) return value(i);
    }
    return {};
}

// ---- parsing: libyaml's events into a Document ----

class Builder {
  public:
    Builder(std::string_view text, std::size_t max_depth)
        : text_(text), max_depth_(max_depth), doc_(std::make_unique<Document>()) {
        yaml_parser_initialize(&parser_);
        yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                     text.size());
    }
    ~Builder() { yaml_parser_delete(&parser_); }
    Builder(const Builder&) = delete;
    Builder& operator=(const Builder&) = delete;

    Parsed run() {
        Parsed out;
        bool done = false;
        while (!done) {
            yaml_event_t ev;
            if (!yaml_parser_parse(&parser_, &ev)) {
                out.error = syntax_error();
                return out;
            }
            Mark at{static_cast<int>(ev.start_mark.line), static_cast<int>(ev.start_mark.column)};
            switch (ev.type) {
                case YAML_DOCUMENT_START_EVENT:
                    if (seen_document_) {
                        out.next_document = at;
                        done = true;
                    }
                    seen_document_ = true;
                    break;
                case YAML_STREAM_END_EVENT:
                    done = true;
                    break;
                case YAML_ALIAS_EVENT:
                    if (!alias(reinterpret_cast<const char*>(ev.data.alias.anchor), at, out))
                        done = true;
                    break;
                case YAML_SCALAR_EVENT: {
                    std::string_view value(reinterpret_cast<const char*>(ev.data.scalar.value),
                                           ev.data.scalar.length);
                    bool plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
                    auto index = add(
                        plain && null_word(value) ? Document::Kind::null : Document::Kind::scalar,
                        at, static_cast<std::uint32_t>(doc_->text_.size()),
                        static_cast<std::uint32_t>(value.size()));
                    doc_->text_.append(value);
                    anchor(ev.data.scalar.anchor, index);
                    child(index);
                    break;
                }
                case YAML_SEQUENCE_START_EVENT:
                case YAML_MAPPING_START_EVENT: {
                    bool list = ev.type == YAML_SEQUENCE_START_EVENT;
                    if (open_.size() >= max_depth_) {
                        out.error =
                            Error{at, "YAML nesting is too deep (more than " +
                                          std::to_string(max_depth_) + " levels): not a suite"};
                        done = true;
                        break;
                    }
                    auto* name =
                        list ? ev.data.sequence_start.anchor : ev.data.mapping_start.anchor;
                    open_.push_back({list ? Document::Kind::list : Document::Kind::map, at,
                                     pending_.size(),
                                     name ? std::string(reinterpret_cast<const char*>(name)) : ""});
                    break;
                }
                case YAML_SEQUENCE_END_EVENT:
                case YAML_MAPPING_END_EVENT:
                    close();
                    break;
                default:
                    break;
            }
            yaml_event_delete(&ev);
        }
        if (!out.error && seen_root_) out.doc = std::move(doc_);
        return out;
    }

  private:
    struct Open {
        Document::Kind kind;
        Mark mark;
        std::size_t first_pending;  // its children so far: pending_[first_pending..]
        std::string anchor;
    };

    std::uint32_t add(Document::Kind kind, Mark mark, std::uint32_t first, std::uint32_t count) {
        doc_->nodes_.push_back({kind, mark, first, count});
        return static_cast<std::uint32_t>(doc_->nodes_.size() - 1);
    }

    void child(std::uint32_t index) {
        if (open_.empty()) {
            doc_->root_ = index;
            seen_root_ = true;
        } else {
            pending_.push_back(index);
        }
    }

    // Anchors name complete nodes only, so an alias can never make a cycle.
    void anchor(const unsigned char* name, std::uint32_t index) {
        if (name) anchors_[reinterpret_cast<const char*>(name)] = index;
    }

    bool alias(const char* name, Mark at, Parsed& out) {
        auto it = anchors_.find(name);
        if (it == anchors_.end()) {
            out.error = Error{at, "YAML error: alias '*" + std::string(name) +
                                      "' refers to no anchor defined before it (or to the "
                                      "collection it is inside)"};
            return false;
        }
        child(it->second);
        return true;
    }

    void close() {
        Open o = std::move(open_.back());
        open_.pop_back();
        auto first = static_cast<std::uint32_t>(doc_->children_.size());
        doc_->children_.insert(doc_->children_.end(),
                               pending_.begin() + static_cast<std::ptrdiff_t>(o.first_pending),
                               pending_.end());
        auto n = static_cast<std::uint32_t>(pending_.size() - o.first_pending);
        pending_.resize(o.first_pending);
        auto index = add(o.kind, o.mark, first, o.kind == Document::Kind::map ? n / 2 : n);
        if (!o.anchor.empty()) anchors_[o.anchor] = index;
        child(index);
    }

    Error syntax_error() const {
        Error e;
        const yaml_mark_t* m = &parser_.problem_mark;
        if (parser_.error == YAML_READER_ERROR) {
            e.mark = mark_at(text_, parser_.problem_offset);
        } else {
            e.mark = {static_cast<int>(m->line), static_cast<int>(m->column)};
        }
        e.message = "YAML syntax error: ";
        e.message += parser_.problem ? parser_.problem : "malformed YAML";
        bool same_place =
            parser_.context_mark.line == m->line && parser_.context_mark.column == m->column;
        if (parser_.context && !same_place) {
            e.message += std::string(" (") + parser_.context + " that starts at line " +
                         std::to_string(parser_.context_mark.line + 1) + ", column " +
                         std::to_string(parser_.context_mark.column + 1) + ")";
        }
        return e;
    }

    std::string_view text_;
    std::size_t max_depth_;
    std::unique_ptr<Document> doc_;
    yaml_parser_t parser_;
    std::vector<Open> open_;
    std::vector<std::uint32_t> pending_;
    std::map<std::string, std::uint32_t, std::less<>> anchors_;
    bool seen_document_ = false, seen_root_ = false;
};

Mark mark_at(std::string_view text, std::size_t offset) {
    Mark m{0, 0};
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++m.line;
            m.column = 0;
        } else {
            ++m.column;
        }
    }
    return m;
}

Parsed parse(std::string_view text, std::size_t max_depth) {
    Builder b(text, max_depth);
    return b.run();
}

}  // namespace mailspec::yaml

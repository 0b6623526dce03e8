#pragma once
// A parsed YAML document as a compact, read-only tree with source positions. Suites are read
// through this, not yaml-cpp's node tree: libyaml's parser is several times faster than
// yaml-cpp 0.7's, and a flat node array costs a fraction of yaml-cpp's reference-counted
// nodes to build, walk and free (bench (d): 10 000 checks validated in under 200 ms).
//
// Values stay text: a scalar is its string; what it means (number, boolean, duration) is for
// the reader of the suite to decide, with an error that points at the scalar.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailspec::yaml {

struct Mark {
    int line = -1;  // 0-based, -1 when unknown
    int column = -1;
};

class Document;

// A node of a Document, or "undefined" (default-constructed, or a lookup that found nothing).
// A cheap handle: valid while its Document lives.
class Node {
  public:
    Node() = default;

    bool defined() const { return doc_ != nullptr; }
    explicit operator bool() const { return defined(); }
    // A plain empty scalar, "~" or "null" (any case YAML allows): a key without a value.
    bool is_null() const;
    bool is_scalar() const;  // a string value (null counts as neither scalar nor collection)
    bool is_list() const;
    bool is_map() const;

    std::string_view scalar() const;  // the value of a scalar, "" otherwise
    Mark mark() const;                // where the node starts
    std::size_t size() const;         // items of a list, entries of a map, else 0

    Node operator[](std::size_t i) const;  // the i-th item of a list
    Node key(std::size_t i) const;         // the i-th key of a map
    Node value(std::size_t i) const;       // the i-th value of a map
    Node get(std::string_view key) const;  // the value of a scalar key of a map, or undefined

    // `for (Node item : n.items())` over a list; `for (auto [k, v] : n.entries())` over a map.
    class Items;
    class Entries;
    Items items() const;
    Entries entries() const;

  private:
    friend class Document;
    Node(const Document* doc, std::uint32_t index) : doc_(doc), index_(index) {}
    const Document* doc_ = nullptr;
    std::uint32_t index_ = 0;
};

struct Entry {
    Node key, value;
};

class Node::Items {
  public:
    struct iterator {
        const Node* list;
        std::size_t i;
        Node operator*() const { return (*list)[i]; }
        iterator& operator++() { return ++i, *this; }
        bool operator!=(const iterator& o) const { return i != o.i; }
    };
    explicit Items(Node n) : n_(n) {}
    iterator begin() const { return {&n_, 0}; }
    iterator end() const { return {&n_, n_.is_list() ? n_.size() : 0}; }

  private:
    Node n_;
};

class Node::Entries {
  public:
    struct iterator {
        const Node* map;
        std::size_t i;
        Entry operator*() const { return {map->key(i), map->value(i)}; }
        iterator& operator++() { return ++i, *this; }
        bool operator!=(const iterator& o) const { return i != o.i; }
    };
    explicit Entries(Node n) : n_(n) {}
    iterator begin() const { return {&n_, 0}; }
    iterator end() const { return {&n_, n_.is_map() ? n_.size() : 0}; }

  private:
    Node n_;
};

inline Node::Items Node::items() const {
    return Items(*this);
}
inline Node::Entries Node::entries() const {
    return Entries(*this);
}

class Document {
  public:
    Node root() const { return Node(this, root_); }

  private:
    friend class Node;
    friend class Builder;
    enum class Kind : std::uint8_t { null, scalar, list, map };
    struct Data {
        Kind kind;
        Mark mark;
        std::uint32_t first;  // scalar: offset in text_; list, map: offset in children_
        std::uint32_t count;  // scalar: length; list: items; map: entries (2 children each)
    };
    std::vector<Data> nodes_;
    std::vector<std::uint32_t> children_;
    std::string text_;  // every scalar's value, one after another
    std::uint32_t root_ = 0;
};

struct Error {
    Mark mark;
    std::string message;  // complete, e.g. "YAML syntax error: ..."
};

struct Parsed {
    std::unique_ptr<Document> doc;      // the first document; null on error or an empty stream
    std::optional<Error> error;         // syntax errors, undefined aliases, nesting too deep
    std::optional<Mark> next_document;  // where a second document starts (not parsed)
};

// The 0-based line and column (in bytes) of a byte offset in `text`.
Mark mark_at(std::string_view text, std::size_t offset);

// Parses the first document of a YAML stream. Aliases refer to their anchor's (complete)
// node; nesting deeper than `max_depth` collections is an error.
Parsed parse(std::string_view text, std::size_t max_depth = 100);

}  // namespace mailspec::yaml

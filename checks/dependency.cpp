#include "checks/dependency.hpp"

#include <map>
#include <mutex>
#include <tuple>

#include "checks/maillog.hpp"

namespace mailspec {

namespace {

using Key = std::tuple<const Suite*, std::string, std::string>;

struct Store {
    std::mutex mutex;  // the scheduler's strand writes, the dependents' strands read
    std::map<Key, std::vector<Result>> results;
};

Store& store() {
    static Store s;
    return s;
}

}  // namespace

const CheckDependency* dependency_of(const Check& c) {
    if (auto* m = dynamic_cast<const MaillogCheck*>(&c)) return &m->after;
    return nullptr;
}

void publish_earlier(const Suite& s, const std::string& id, const std::string& vantage,
                     std::vector<Result> results) {
    auto& st = store();
    std::lock_guard lock(st.mutex);
    st.results[{&s, id, vantage}] = std::move(results);
}

std::vector<Result> earlier_results(const Suite& s, const std::string& id,
                                    const std::string& vantage) {
    auto& st = store();
    std::lock_guard lock(st.mutex);
    auto it = st.results.find({&s, id, vantage});
    return it == st.results.end() ? std::vector<Result>{} : it->second;
}

void forget_earlier(const Suite& s) {
    auto& st = store();
    std::lock_guard lock(st.mutex);
    for (auto it = st.results.begin(); it != st.results.end();)
        it = std::get<0>(it->first) == &s ? st.results.erase(it) : std::next(it);
}

}  // namespace mailspec

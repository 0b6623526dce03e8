// The queue listings of the three MTAs, from output in their real formats: Postfix 3.7's
// `postqueue -j` (one JSON object per line), Exim 4.96's `exim -bp` (age/size/id/sender, then
// indented recipients, D for delivered), qmail 1.03's `qmail-qread` and `qmail-qstat`.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/queue_listing.hpp"

namespace mailspec {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::int64_t kNow = 1764753153;  // 2025-12-03 09:12:33 UTC

TEST(QueueBuckets, AreQshapesDoublingMinutes) {
    EXPECT_EQ(queue_bucket_of(0), 0u);
    EXPECT_EQ(queue_bucket_of(299), 0u);
    EXPECT_EQ(queue_bucket_of(300), 1u);
    EXPECT_EQ(queue_bucket_of(599), 1u);
    EXPECT_EQ(queue_bucket_of(600), 2u);
    EXPECT_EQ(queue_bucket_of(40 * 60), 4u);
    EXPECT_EQ(queue_bucket_of(1280 * 60 - 1), 8u);
    EXPECT_EQ(queue_bucket_of(1280 * 60), 9u);
    EXPECT_EQ(queue_bucket_of(30 * 86400), 9u);
    EXPECT_EQ(queue_bucket_label(0), "0-5m");
    EXPECT_EQ(queue_bucket_label(9), "1280m+");
}

const char* kPostqueue =
    R"({"queue_name": "deferred", "queue_id": "4dLq1T3Xz6z9sWl", "arrival_time": 1764745953, "message_size": 2010, "forced_expire": false, "sender": "alice@lab.test", "recipients": [{"address": "bob@example.net", "delay_reason": "connect to 127.0.0.11[127.0.0.11]:25: Connection refused"}, {"address": "carol@Example.NET", "delay_reason": "connect to 127.0.0.11[127.0.0.11]:25: Connection refused"}]}
{"queue_name": "hold", "queue_id": "4dLq2B0mRnz9sWm", "arrival_time": 1764753033, "message_size": 612, "forced_expire": false, "sender": "", "recipients": [{"address": "dave@example.org"}]}
{"queue_name": "active", "queue_id": "4dLq2C1nSoz9sWn", "arrival_time": 1764753150, "message_size": 800, "forced_expire": false, "sender": "probe@lab.test", "recipients": [{"address": "erin@example.org"}]}
)";

TEST(PostqueueJson, ReadsQueuesAgesRecipientsAndReasons) {
    auto l = parse_postqueue_json(kPostqueue, kNow);
    EXPECT_TRUE(l.problems.empty());
    ASSERT_EQ(l.mails.size(), 3u);
    EXPECT_EQ(l.mails[0].queue, "deferred");
    EXPECT_EQ(l.mails[0].id, "4dLq1T3Xz6z9sWl");
    EXPECT_EQ(l.mails[0].age_seconds, 7200);
    EXPECT_EQ(l.mails[0].sender, "alice@lab.test");
    EXPECT_THAT(l.mails[0].recipients, ElementsAre("bob@example.net", "carol@Example.NET"));
    EXPECT_THAT(l.mails[0].reason, HasSubstr("Connection refused"));
    EXPECT_EQ(l.mails[1].queue, "hold");
    EXPECT_EQ(l.mails[1].age_seconds, 120);

    auto s = shape_of(l);
    EXPECT_EQ(s.all.total, 3);
    EXPECT_EQ(s.queues["deferred"].total, 1);
    EXPECT_EQ(s.queues["deferred"].buckets[5], 1);  // 120 minutes: 80-160m
    // One message with two recipients in one domain counts once for it.
    EXPECT_EQ(s.domains["example.net"].total, 1);
    EXPECT_EQ(s.domains["example.org"].total, 2);
    auto only = shape_of(l, "deferred");
    EXPECT_EQ(only.all.total, 1);
    EXPECT_EQ(only.domains.count("example.org"), 0u);
    auto table = format_queue_table(s);
    ASSERT_EQ(table.size(), 4u);  // header, TOTAL, two domains
    EXPECT_THAT(table[0], HasSubstr("0-5m"));
    EXPECT_THAT(table[1], ::testing::StartsWith("TOTAL"));
}

TEST(PostqueueJson, KeepsLinesItCannotRead) {
    auto l = parse_postqueue_json(
        "postqueue: warning: Mail system is down -- accessing queue directly\n", kNow);
    EXPECT_TRUE(l.mails.empty());
    ASSERT_EQ(l.problems.size(), 1u);
    EXPECT_THAT(l.problems[0], HasSubstr("Mail system is down"));
}

const char* kEximBp = R"(25m  2.9K 1axbV0-0003LX-Q2 <alice@example.com>
          bob@example.org

 4h   312 1axbV1-0003LY-7T <> *** frozen ***
          postmaster@example.net

 3d  1.1K 1axbV2-0003LZ-Ab <carol@example.com>
        D dave@example.org
          erin@example.net

 5m   16K 1rBXh4-00000000Ahx-3xyH <frank@example.com>
          grace@example.org
          heidi@example.org

)";

TEST(EximBp, ReadsAgesFrozenAndUndeliveredRecipients) {
    auto l = parse_exim_bp(kEximBp);
    EXPECT_TRUE(l.problems.empty()) << l.problems.front();
    ASSERT_EQ(l.mails.size(), 4u);
    EXPECT_EQ(l.mails[0].age_seconds, 25 * 60);
    EXPECT_EQ(l.mails[0].id, "1axbV0-0003LX-Q2");
    EXPECT_EQ(l.mails[0].queue, "deferred");
    EXPECT_EQ(l.mails[1].age_seconds, 4 * 3600);
    EXPECT_EQ(l.mails[1].queue, "hold");  // frozen
    EXPECT_EQ(l.mails[1].sender, "");
    EXPECT_EQ(l.mails[2].age_seconds, 3 * 86400);
    EXPECT_THAT(l.mails[2].recipients, ElementsAre("erin@example.net"));  // dave was delivered
    EXPECT_EQ(l.mails[3].id, "1rBXh4-00000000Ahx-3xyH");                  // Exim 4.97 long ids
    EXPECT_EQ(l.mails[3].recipients.size(), 2u);
    auto s = shape_of(l);
    EXPECT_EQ(s.domains["example.org"].total, 2);  // mails 0 and 3; dave's is done
    EXPECT_EQ(s.queues["hold"].total, 1);
}

const char* kQmailQread =
    "3 Dec 2025 09:02:33 GMT  #1049153  1843  <alice@example.com> \n"
    "\tremote\tbob@example.org\n"
    "\tdone\tremote\tcarol@example.net\n"
    "2 Dec 2025 09:12:33 GMT  #1049201  903  <> bouncing\n"
    "\tlocal\tpostmaster@example.com\n";

TEST(QmailQread, ReadsDatesIdsAndPendingRecipients) {
    auto l = parse_qmail_qread(kQmailQread, kNow);
    EXPECT_TRUE(l.problems.empty()) << l.problems.front();
    ASSERT_EQ(l.mails.size(), 2u);
    EXPECT_EQ(l.mails[0].id, "1049153");
    EXPECT_EQ(l.mails[0].age_seconds, 600);
    EXPECT_EQ(l.mails[0].sender, "alice@example.com");
    EXPECT_THAT(l.mails[0].recipients, ElementsAre("bob@example.org"));
    EXPECT_EQ(l.mails[1].age_seconds, 86400);
    EXPECT_EQ(l.mails[1].reason, "bouncing");
    EXPECT_EQ(l.mails[1].sender, "");
    auto s = shape_of(l);
    EXPECT_EQ(s.all.buckets[2], 1);  // 10 minutes
    EXPECT_EQ(s.all.buckets[9], 1);  // a day
}

TEST(QmailQstat, ReadsTotalAndUnprocessed) {
    QueueListing l;
    parse_qmail_qstat("messages in queue: 3\nmessages in queue but not yet preprocessed: 1\n", l);
    EXPECT_EQ(l.qmail_total, 3);
    EXPECT_EQ(l.qmail_unprocessed, 1);
}

}  // namespace
}  // namespace mailspec

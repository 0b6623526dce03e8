#include "protocol/smtp/commands.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace mailspec::smtp::cmd {
namespace {

TEST(SmtpCommands, Simple) {
    EXPECT_EQ(ehlo("probe.mailspec.test"), "EHLO probe.mailspec.test\r\n");
    EXPECT_EQ(helo("probe"), "HELO probe\r\n");
    EXPECT_EQ(data(), "DATA\r\n");
    EXPECT_EQ(rset(), "RSET\r\n");
    EXPECT_EQ(noop(), "NOOP\r\n");
    EXPECT_EQ(vrfy("postmaster"), "VRFY postmaster\r\n");
    EXPECT_EQ(expn("staff"), "EXPN staff\r\n");
    EXPECT_EQ(quit(), "QUIT\r\n");
    EXPECT_EQ(starttls(), "STARTTLS\r\n");
    EXPECT_EQ(bdat(42, false), "BDAT 42\r\n");
    EXPECT_EQ(bdat(0, true), "BDAT 0 LAST\r\n");
}

TEST(SmtpCommands, MailFromWithParameters) {
    EXPECT_EQ(mail_from("a@example.org"), "MAIL FROM:<a@example.org>\r\n");
    EXPECT_EQ(mail_from("<>"), "MAIL FROM:<>\r\n");
    EXPECT_EQ(mail_from(""), "MAIL FROM:<>\r\n");
    MailParams p;
    p.size = 1024;
    p.body = "8BITMIME";
    p.smtputf8 = true;
    p.extra = {"RET=HDRS"};
    EXPECT_EQ(mail_from("a@example.org", p),
              "MAIL FROM:<a@example.org> SIZE=1024 BODY=8BITMIME SMTPUTF8 RET=HDRS\r\n");
    EXPECT_EQ(rcpt_to("<b@example.org>", {"NOTIFY=NEVER"}),
              "RCPT TO:<b@example.org> NOTIFY=NEVER\r\n");
}

TEST(SmtpCommands, RefusesLineBreaksInArguments) {
    EXPECT_THROW(ehlo("a\r\nMAIL FROM:<x>"), std::invalid_argument);
    EXPECT_THROW(rcpt_to("a@b\n"), std::invalid_argument);
    EXPECT_THROW(vrfy("x\ry"), std::invalid_argument);
    EXPECT_THROW(line("NOOP\r\nQUIT"), std::invalid_argument);
    MailParams p;
    p.extra = {"X=1\r\nRSET"};
    EXPECT_THROW(mail_from("a@b", p), std::invalid_argument);
}

TEST(SmtpCommands, Auth) {
    EXPECT_EQ(auth("LOGIN", std::nullopt), "AUTH LOGIN\r\n");
    EXPECT_EQ(auth("PLAIN", std::string_view("AGEAYg==")), "AUTH PLAIN AGEAYg==\r\n");
    EXPECT_EQ(auth("EXTERNAL", std::string_view("")), "AUTH EXTERNAL =\r\n");
}

TEST(SmtpCommands, XclientUsesXtext) {
    EXPECT_EQ(xtext("a+b=c d"), "a+2Bb+3Dc+20d");
    EXPECT_EQ(xclient({{"addr", "192.0.2.7"}, {"NAME", "probe.example"}, {"HELO", "x y"}}),
              "XCLIENT ADDR=192.0.2.7 NAME=probe.example HELO=x+20y\r\n");
}

TEST(SmtpCommands, DotStuffing) {
    EXPECT_EQ(dot_stuff("Subject: x\r\n\r\nbody\r\n"), "Subject: x\r\n\r\nbody\r\n");
    EXPECT_EQ(dot_stuff(".hidden\r\n..two\r\nend"), "..hidden\r\n...two\r\nend\r\n");
    EXPECT_EQ(dot_stuff("a\n.\nb"), "a\r\n..\r\nb\r\n") << "bare LF normalised, lone dot stuffed";
    EXPECT_EQ(dot_stuff("a\rb"), "a\r\nb\r\n");
    EXPECT_EQ(dot_stuff(""), "");
    EXPECT_EQ(dot_stuff("x.y\r\n"), "x.y\r\n") << "only leading dots";
    EXPECT_EQ(end_of_data(), ".\r\n");
}

TEST(SmtpCommands, Verb) {
    EXPECT_EQ(verb("MAIL FROM:<a@b> SIZE=1\r\n"), "MAIL FROM");
    EXPECT_EQ(verb("rcpt to: <a@b>"), "RCPT TO");
    EXPECT_EQ(verb("ehlo x\r\n"), "EHLO");
    EXPECT_EQ(verb(""), "empty line");
}

TEST(SmtpCommands, RedactedForTranscripts) {
    EXPECT_EQ(redacted("AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n"), "AUTH PLAIN <redacted>");
    EXPECT_EQ(redacted("auth login dXNlcg==\r\n"), "AUTH login <redacted>");
    EXPECT_EQ(redacted("AUTH LOGIN\r\n"), "AUTH LOGIN");
    EXPECT_EQ(redacted("MAIL FROM:<a@b>\r\n"), "MAIL FROM:<a@b>");
    EXPECT_EQ(verb(std::string("X\x01Y", 3)), "X\x01Y");  // raw: reports escape it
}

TEST(SmtpCommands, Path) {
    EXPECT_EQ(path("a@b"), "<a@b>");
    EXPECT_EQ(path("<a@b>"), "<a@b>");
    EXPECT_EQ(path("<>"), "<>");
}

}  // namespace
}  // namespace mailspec::smtp::cmd

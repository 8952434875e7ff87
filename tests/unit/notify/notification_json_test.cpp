#include "notify/notification_json.hpp"

#include <catch2/catch.hpp>
#include <chrono>

TEST_CASE("a notification's JSON carries every field a receiver needs, text byte for byte") {
  crmflow::Notification n;
  n.id = 7;
  n.case_id = 42;
  n.step_id = "receive";
  n.channel = "sms";
  n.to = "+989121234567";
  n.text = "رضا، گوشی A52 شما «آماده» است.\n";
  n.idempotency_key = "42/3/0";
  n.at = crmflow::Instant{std::chrono::milliseconds{1'767'418'200'000}};
  n.segments = 1;
  n.attempts = 2;
  CHECK(crmflow::notify::notification_json(n) ==
        "{\"at\":\"2026-01-03T05:30:00Z\",\"attempt\":3,\"case\":42,\"channel\":\"sms\","
        "\"id\":7,\"idempotency_key\":\"42/3/0\",\"segments\":1,\"step\":\"receive\","
        "\"text\":\"رضا، گوشی A52 شما «آماده» است.\\n\",\"to\":\"+989121234567\"}");
  n.subject = "Ready";
  n.segments = 0;
  const crmflow::Value v = crmflow::notify::notification_value(n);
  CHECK(v.as_object().count("segments") == 0);
  CHECK(v.as_object().at("subject").as_string() == "Ready");
}

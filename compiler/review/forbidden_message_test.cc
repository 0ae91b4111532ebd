#include "compiler/review/forbidden_message.h"

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "compiler/common/limits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

using ::testing::HasSubstr;

TEST(ParseForbiddenMessageTest, NamespacedList) {
  const absl::StatusOr<ForbiddenMessage> message = ParseForbiddenMessage(
      "pods is forbidden: User \"system:serviceaccount:default:sky-sa\" cannot "
      "list resource \"pods\" in API group \"\" in the namespace \"team-a\"");
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(message->user_name, "system:serviceaccount:default:sky-sa");
  EXPECT_EQ(message->service_account_namespace, "default");
  EXPECT_EQ(message->service_account_name, "sky-sa");
  EXPECT_TRUE(message->request.is_resource_request);
  EXPECT_EQ(message->request.verb, "list");
  EXPECT_EQ(message->request.api_group, "");
  EXPECT_EQ(message->request.resource, "pods");
  EXPECT_EQ(message->request.subresource, "");
  EXPECT_EQ(message->request.name, "");
  EXPECT_EQ(message->request.namespace_name, "team-a");
  EXPECT_EQ(message->authorizer_reason, "");
  EXPECT_EQ(message->found_in, "message");
}

TEST(ParseForbiddenMessageTest, ClusterScopeNamedSubresourceWithGroup) {
  const absl::StatusOr<ForbiddenMessage> message = ParseForbiddenMessage(
      "deployments.apps \"web\" is forbidden: User \"alice\" cannot update "
      "resource \"deployments/scale\" in API group \"apps\" at the cluster "
      "scope");
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(message->user_name, "alice");
  EXPECT_EQ(message->service_account_name, "");
  EXPECT_EQ(message->request.api_group, "apps");
  EXPECT_EQ(message->request.resource, "deployments");
  EXPECT_EQ(message->request.subresource, "scale");
  EXPECT_EQ(message->request.name, "web");
  EXPECT_EQ(message->request.namespace_name, "");
}

TEST(ParseForbiddenMessageTest, NameOfAnotherResourceIsIgnored) {
  // The prefix must name the request's resource to lend it its name.
  const absl::StatusOr<ForbiddenMessage> message = ParseForbiddenMessage(
      "secrets \"web\" is forbidden: User \"alice\" cannot get resource "
      "\"pods\" in API group \"\" in the namespace \"a\"");
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(message->request.name, "");
  EXPECT_EQ(message->found_in, "log line");
}

TEST(ParseForbiddenMessageTest, NonResourceUrl) {
  const absl::StatusOr<ForbiddenMessage> message = ParseForbiddenMessage(
      "forbidden: User \"system:anonymous\" cannot get path \"/healthz\"");
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_FALSE(message->request.is_resource_request);
  EXPECT_EQ(message->request.verb, "get");
  EXPECT_EQ(message->request.path, "/healthz");
  EXPECT_EQ(message->user_name, "system:anonymous");
  EXPECT_EQ(message->found_in, "message");
}

TEST(ParseForbiddenMessageTest, RbacSuffix) {
  const absl::StatusOr<ForbiddenMessage> message = ParseForbiddenMessage(
      "nodes is forbidden: User \"bob\" cannot list resource \"nodes\" in API "
      "group \"\" at the cluster scope: RBAC: clusterrole.rbac.authorization."
      "k8s.io \"sky-sa-cluster-role\" not found\n");
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(message->authorizer_reason,
            "RBAC: clusterrole.rbac.authorization.k8s.io "
            "\"sky-sa-cluster-role\" not found");
  EXPECT_EQ(message->request.resource, "nodes");
  EXPECT_EQ(message->found_in, "message");
}

TEST(ParseForbiddenMessageTest, JsonStatusBodyInALogLine) {
  const absl::StatusOr<ForbiddenMessage> message = ParseForbiddenMessage(
      "E1201 HTTP response body: "
      "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":"
      "\"Failure\",\"message\":\"pods \\\"x\\\" is forbidden: User "
      "\\\"system:serviceaccount:ns:sa\\\" cannot delete resource \\\"pods\\\" "
      "in API group \\\"\\\" in the namespace \\\"ns\\\"\",\"reason\":"
      "\"Forbidden\",\"details\":{\"name\":\"x\",\"kind\":\"pods\"},\"code\":"
      "403}\n");
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(message->found_in, "JSON Status body in a log line");
  EXPECT_EQ(message->request.verb, "delete");
  EXPECT_EQ(message->request.name, "x");
  EXPECT_EQ(message->service_account_namespace, "ns");
  EXPECT_EQ(message->service_account_name, "sa");
}

TEST(ParseForbiddenMessageTest, WholeJsonStatusBody) {
  const absl::StatusOr<ForbiddenMessage> message = ParseForbiddenMessage(
      " {\"kind\":\"Status\",\"message\":\"forbidden: User \\\"u\\\" cannot "
      "get path \\\"/metrics\\\"\",\"reason\":\"Forbidden\",\"code\":403}\n");
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(message->found_in, "JSON Status body");
  EXPECT_EQ(message->request.path, "/metrics");
  EXPECT_EQ(message->message,
            "forbidden: User \"u\" cannot get path \"/metrics\"");
}

TEST(ParseForbiddenMessageTest, EscapedMessageOutsideWholeJson) {
  const absl::StatusOr<ForbiddenMessage> message = ParseForbiddenMessage(
      "body: {\"message\":\"services is forbidden: User \\\"u\\\" cannot "
      "watch resource \\\"services\\\" in API group \\\"\\\" in the "
      "namespace \\\"ingress-nginx\\\"");
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(message->request.namespace_name, "ingress-nginx");
  EXPECT_EQ(message->found_in, "log line");
}

TEST(ParseForbiddenMessageTest, PythonBytesBody) {
  // SkyPilot logs an ApiException's body as Python prints bytes: the JSON's
  // backslashes doubled inside b'...'.
  const absl::StatusOr<ForbiddenMessage> message = ParseForbiddenMessage(
      "HTTP response body: b'{\"kind\":\"Status\",\"message\":\"ingresses."
      "networking.k8s.io is forbidden: User \\\\\"alice\\\\\" cannot create "
      "resource \\\\\"ingresses\\\\\" in API group \\\\\"networking.k8s.io"
      "\\\\\" in the namespace \\\\\"ml\\\\\"\",\"reason\":\"Forbidden\","
      "\"code\":403}'\n");
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(message->found_in, "JSON Status body in a log line");
  EXPECT_EQ(message->user_name, "alice");
  EXPECT_EQ(message->request.resource, "ingresses");
  EXPECT_EQ(message->request.api_group, "networking.k8s.io");
  EXPECT_EQ(message->request.namespace_name, "ml");
}

TEST(ParseForbiddenMessagesTest, EveryMessageOfALogOnce) {
  const absl::StatusOr<std::vector<ForbiddenMessage>> messages =
      ParseForbiddenMessages(
          "I0101 pods is forbidden: User \"a\" cannot list resource \"pods\" "
          "in API group \"\" in the namespace \"ns\"\n"
          "E0101 HTTP response body: {\"kind\":\"Status\",\"message\":"
          "\"forbidden: User \\\"b\\\" cannot get path \\\"/metrics\\\"\","
          "\"reason\":\"Forbidden\",\"code\":403}\n"
          "I0102 retry: pods is forbidden: User \"a\" cannot list resource "
          "\"pods\" in API group \"\" in the namespace \"ns\"\n");
  ASSERT_TRUE(messages.ok()) << messages.status();
  ASSERT_EQ(messages->size(), 2u);
  EXPECT_EQ((*messages)[0].user_name, "a");
  EXPECT_EQ((*messages)[0].found_in, "log line");
  EXPECT_EQ((*messages)[1].user_name, "b");
  EXPECT_EQ((*messages)[1].found_in, "JSON Status body in a log line");
}

TEST(ParseForbiddenMessagesTest, OneMessageReadsAsParseForbiddenMessage) {
  const std::string text =
      "forbidden: User \"u\" cannot get path \"/metrics\": RBAC: denied";
  const absl::StatusOr<std::vector<ForbiddenMessage>> messages =
      ParseForbiddenMessages(text);
  ASSERT_TRUE(messages.ok()) << messages.status();
  ASSERT_EQ(messages->size(), 1u);
  EXPECT_EQ(FormatForbiddenMessage((*messages)[0]),
            FormatForbiddenMessage(*ParseForbiddenMessage(text)));
  EXPECT_FALSE(ParseForbiddenMessages("no message here").ok());
}

TEST(ParseForbiddenMessageTest, GoEscapesInNames) {
  const absl::StatusOr<ForbiddenMessage> message = ParseForbiddenMessage(
      "forbidden: User \"a\\\"b\\\\c\\u00e9\\x41\" cannot get path \"/x\"");
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(message->user_name,
            "a\"b\\c\xc3\xa9"
            "A");
}

TEST(ParseForbiddenMessageTest, FormatRoundTrips) {
  for (const char* text : {
           "pods \"web-0\" is forbidden: User \"system:serviceaccount:a:b\" "
           "cannot get resource \"pods/exec\" in API group \"\" in the "
           "namespace \"a\"",
           "ingressclasses.networking.k8s.io is forbidden: User \"x\\\"y\" "
           "cannot list resource \"ingressclasses\" in API group "
           "\"networking.k8s.io\" at the cluster scope: RBAC: something",
           "forbidden: User \"\" cannot post path \"/apis/x\"",
       }) {
    const absl::StatusOr<ForbiddenMessage> message =
        ParseForbiddenMessage(text);
    ASSERT_TRUE(message.ok()) << text << ": " << message.status();
    EXPECT_EQ(FormatForbiddenMessage(*message), text);
    EXPECT_EQ(message->message, text);
  }
}

TEST(ParseForbiddenMessageTest, RejectsWhatIsNotAForbiddenMessage) {
  const struct {
    const char* text;
    const char* error;
  } kCases[] = {
      {"", "no `User \"...\" cannot ...` sentence found"},
      {"connection refused", "no `User \"...\" cannot ...` sentence found"},
      {"pods is forbidden: User \"a\" cannot", "expected ` cannot VERB`"},
      {"pods is forbidden: User \"a\" cannot get", "expected a verb followed"},
      {"pods is forbidden: User \"a", "the user name's closing quote"},
      {"User \"a\" cannot get resource \"pods\" in API group \"\"",
       "` in the namespace \"...\"` or ` at the cluster scope`"},
      {"User \"a\" cannot get thing \"pods\"", "` resource \"...\"`"},
      {"User \"a\" cannot get resource \"pods\" in API group \"\" in the "
       "namespace \"\"",
       "expected a namespace"},
      {"{\"kind\":\"Status\",\"message\":\"pods \\\"x\\\" not found\","
       "\"reason\":\"NotFound\",\"code\":404}",
       "its reason is \"NotFound\" and its code is 404"},
      {"{\"kind\":\"Status\",\"message\":\"no sentence\",\"reason\":"
       "\"Forbidden\",\"code\":403}",
       "in the JSON Status body's message: no `User"},
      {"forbidden: User \"a\\q\" cannot get path \"/x\"",
       "the user name's closing quote"},
  };
  for (const auto& entry : kCases) {
    const absl::StatusOr<ForbiddenMessage> message =
        ParseForbiddenMessage(entry.text);
    ASSERT_FALSE(message.ok()) << entry.text;
    EXPECT_EQ(message.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(message.status().message()), HasSubstr(entry.error))
        << entry.text;
    EXPECT_THAT(std::string(message.status().message()),
                HasSubstr("expected a Kubernetes Forbidden message"));
  }
}

// A Status body whose details nest `depth` objects deep.
std::string NestedStatus(int depth) {
  std::string text = "{\"kind\":\"Status\",\"details\":";
  for (int i = 0; i < depth; ++i) text += "{\"a\":";
  text += "{}";
  for (int i = 0; i < depth; ++i) text += "}";
  return text +
         ",\"message\":\"pods is forbidden: User \\\"alice\\\" cannot list "
         "resource \\\"pods\\\" in API group \\\"\\\" at the cluster "
         "scope\",\"reason\":\"Forbidden\",\"code\":403}";
}

TEST(ParseForbiddenMessageTest, JsonWithinTheDepthLimitIsRead) {
  const absl::StatusOr<ForbiddenMessage> message =
      ParseForbiddenMessage(NestedStatus(kMaxJsonDepth - 3));
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(message->user_name, "alice");
  EXPECT_EQ(message->found_in, "JSON Status body");
}

TEST(ParseForbiddenMessageTest, JsonBeyondTheDepthLimitIsRefused) {
  for (const int depth : {kMaxJsonDepth, 10000}) {
    const absl::StatusOr<ForbiddenMessage> message =
        ParseForbiddenMessage(NestedStatus(depth));
    EXPECT_EQ(message.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(message.status().message(),
                HasSubstr(absl::StrCat("the JSON in the input nests more than ",
                                       kMaxJsonDepth)));
  }
  // Unclosed braces count as well.
  EXPECT_FALSE(ParseForbiddenMessage(std::string(10000, '{')).ok());
}

TEST(ParseForbiddenMessageTest, InputBeyondTheSizeLimitIsRefused) {
  const absl::StatusOr<ForbiddenMessage> message =
      ParseForbiddenMessage(std::string(kMaxMessageInputBytes + 1, ' '));
  EXPECT_THAT(message.status().message(),
              HasSubstr(absl::StrCat("more than the ", kMaxMessageInputBytes,
                                     " a 403 message may have")));
}

}  // namespace
}  // namespace rbacc

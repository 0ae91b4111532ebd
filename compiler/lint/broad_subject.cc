#include "compiler/lint/broad_subject.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "compiler/common/lint_checks.h"

namespace rbacc {
namespace {

// Who `subject` stands for when it is one of Kubernetes' subjects for people
// nobody named ("every unauthenticated request"); "" for other subjects.
std::string BroadSubjectMeaning(const Subject& subject) {
  if (subject.kind == "User") {
    return subject.name == "system:anonymous"
               ? "the user of every unauthenticated request"
               : "";
  }
  if (subject.kind != "Group") return "";
  if (subject.name == "system:unauthenticated") {
    return "every unauthenticated request";
  }
  if (subject.name == "system:authenticated") {
    return "every authenticated user and service account";
  }
  if (subject.name == "system:serviceaccounts") {
    return "every service account of every namespace";
  }
  constexpr absl::string_view kNamespaceGroup = "system:serviceaccounts:";
  if (absl::StartsWith(subject.name, kNamespaceGroup)) {
    return absl::StrCat(
        "every service account of namespace ",
        absl::string_view(subject.name).substr(kNamespaceGroup.size()),
        ", whoever runs a pod there");
  }
  return "";
}

}  // namespace

std::vector<LintFinding> BroadSubjectFindings(const Selection& selection) {
  std::vector<LintFinding> findings;
  const LintCheck* check = FindLintCheck("broad-subject");
  const v1::LintAllowance* allowance = nullptr;
  for (const v1::LintAllowance& allowed : selection.allowances) {
    if (allowed.id() == check->id) allowance = &allowed;
  }
  for (const Subject& subject : selection.extra_subjects) {
    const std::string meaning = BroadSubjectMeaning(subject);
    if (meaning.empty()) continue;
    LintFinding& finding = findings.emplace_back();
    finding.check = check;
    const auto located = selection.extra_subject_locations.find(subject);
    if (located != selection.extra_subject_locations.end()) {
      finding.location = located->second;
    }
    finding.message = absl::StrCat(
        "subject ", subject.kind, ":", subject.name, " stands for ", meaning,
        ": every role of this compilation is bound to it, so they get all it "
        "grants");
    static const std::string* const kSuggestion = new std::string(
        "bind the users, groups or service accounts that need the roles by "
        "name; if everyone is meant, acknowledge it in the profile: allow { "
        "id: \"broad-subject\" reason: \"...\" }");
    finding.suggestion = *kSuggestion;
    if (allowance != nullptr) {
      finding.acknowledged = true;
      finding.acknowledgement = allowance->reason();
    }
  }
  return findings;
}

}  // namespace rbacc

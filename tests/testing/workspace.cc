#include "tests/testing/workspace.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "compiler/catalog/catalog.h"
#include "compiler/common/issue.h"
#include "compiler/compiler.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/review/rbac_yaml_reader.h"
#include "gtest/gtest.h"

namespace rbacc::testing {
namespace {

namespace fs = std::filesystem;

// Splits "pods/exec" into ("pods", "exec").
std::pair<std::string, std::string> SplitResource(const std::string& resource) {
  const size_t slash = resource.find('/');
  if (slash == std::string::npos) return {resource, ""};
  return {resource.substr(0, slash), resource.substr(slash + 1)};
}

// `word` quoted for a POSIX shell.
std::string ShellQuote(const std::string& word) {
  return absl::StrCat("'", absl::StrReplaceAll(word, {{"'", "'\\''"}}), "'");
}

}  // namespace

std::string RunfilePath(const std::string& relative) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  return absl::StrCat(srcdir != nullptr ? srcdir : ".", "/",
                      workspace != nullptr ? workspace : "rbacc", "/",
                      relative);
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    ADD_FAILURE() << "cannot read " << path;
    return "";
  }
  std::stringstream content;
  content << stream.rdbuf();
  return content.str();
}

void WriteFile(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

std::map<std::string, std::string> ReadTree(const std::string& folder) {
  std::map<std::string, std::string> files;
  if (!fs::is_directory(folder)) return files;
  for (const fs::directory_entry& entry :
       fs::recursive_directory_iterator(folder)) {
    if (!entry.is_regular_file()) continue;
    files[entry.path().lexically_relative(folder).string()] =
        ReadFileOrDie(entry.path().string());
  }
  return files;
}

bool CheckGolden(const std::string& relative, const std::string& actual,
                 const std::string& update_target) {
  const char* update = std::getenv("RBACC_UPDATE_GOLDENS");
  const char* source_root = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  if (update != nullptr && source_root != nullptr) {
    WriteFile(absl::StrCat(source_root, "/", relative), actual);
    return false;
  }
  EXPECT_EQ(actual, ReadFileOrDie(RunfilePath(relative)))
      << "whole output:\n"
      << actual << "\nto accept it: RBACC_UPDATE_GOLDENS=1 bazel run "
      << update_target;
  return true;
}

std::vector<std::string> Subfolders(const std::string& folder) {
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string MakeWorkspace(const std::string& name) {
  const fs::path root = fs::path(::testing::TempDir()) / name;
  fs::remove_all(root);
  fs::create_directories(root);
  for (const auto& [relative, content] : ReadTree(RunfilePath("policies"))) {
    if (relative == "BUILD.bazel") continue;
    WriteFile((root / "policies" / relative).string(), content);
  }
  return root.string();
}

PolicyInput LoadPolicyOrFail(const std::string& reference,
                             const std::string& workspace) {
  IssueList issues;
  std::map<std::string, std::string> texts;
  absl::StatusOr<PolicySpec> spec = ParsePolicyReference(reference, workspace);
  if (!spec.ok()) {
    ADD_FAILURE() << spec.status();
    return {};
  }
  absl::StatusOr<PolicyInput> input =
      LoadPolicyInput(*spec, workspace, &issues, &texts);
  if (!input.ok() || issues.has_errors()) {
    ADD_FAILURE() << reference << ": " << input.status() << "\n"
                  << issues.Render(texts);
    return {};
  }
  return *std::move(input);
}

RbaccRun RunRbacc(const std::string& workspace,
                  const std::vector<std::string>& args, const std::string& cwd,
                  const std::string& environment,
                  const std::string& stdin_path) {
  static int runs = 0;
  const std::string err_file = absl::StrCat(
      ::testing::TempDir(), "/rbacc-stderr-", getpid(), "-", runs++, ".txt");
  std::string command = absl::StrCat(
      "cd ", ShellQuote(cwd.empty() ? workspace : cwd), " && ",
      environment.empty()
          ? ""
          : absl::StrCat("env -i PATH=/usr/bin:/bin ", environment, " "),
      "BUILD_WORKSPACE_DIRECTORY=", ShellQuote(workspace), " ",
      ShellQuote(fs::absolute(RunfilePath("compiler/compiler")).string()));
  for (const std::string& arg : args) {
    absl::StrAppend(&command, " ", ShellQuote(arg));
  }
  if (!stdin_path.empty()) {
    absl::StrAppend(&command, " <", ShellQuote(stdin_path));
  }
  absl::StrAppend(&command, " 2>", ShellQuote(err_file));
  RbaccRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run " << command;
    return run;
  }
  char buffer[4096];
  size_t read;
  while ((read = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    run.out.append(buffer, read);
  }
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.err = ReadFileOrDie(err_file);
  fs::remove(err_file);
  return run;
}

RbacObjects ReadRbacFile(const std::string& path) {
  absl::StatusOr<RbacObjects> objects = ReadRbacYaml(ReadFileOrDie(path), path);
  if (!objects.ok()) {
    ADD_FAILURE() << objects.status();
    return {};
  }
  return *std::move(objects);
}

std::vector<Request> RequestUniverse(
    const std::vector<const RbacObjects*>& objects) {
  std::set<std::string> verbs = {
      "get",    "list",  "watch",    "create",
      "update", "patch", "delete",   "deletecollection",
      "use",    "bind",  "escalate", "impersonate"};
  std::set<std::string> groups = {"", "apps", "example.com"};
  std::set<std::string> resources = {"configmaps", "deployments", "pods"};
  std::set<std::string> subresources = {"", "status"};
  std::set<std::string> names = {"", "probe-name"};
  std::set<std::string> namespaces = {"", "default", "probe-namespace"};
  std::set<std::string> paths = {"/healthz", "/probe"};
  for (const RbacObjects* set : objects) {
    for (const ObjectMeta& meta : set->namespaces) namespaces.insert(meta.name);
    for (const ObjectMeta& meta : set->service_accounts) {
      namespaces.insert(meta.namespace_name);
    }
    for (const BindingObject& binding : set->bindings) {
      namespaces.insert(binding.metadata.namespace_name);
    }
    for (const RoleObject& role : set->roles) {
      namespaces.insert(role.metadata.namespace_name);
      for (const CompiledRule& rule : role.rules) {
        for (const std::string& verb : rule.rule.verbs) verbs.insert(verb);
        for (const std::string& group : rule.rule.api_groups)
          groups.insert(group);
        for (const std::string& resource : rule.rule.resources) {
          const auto [base, sub] = SplitResource(resource);
          resources.insert(base);
          subresources.insert(sub);
        }
        for (const std::string& name : rule.rule.resource_names)
          names.insert(name);
        for (const std::string& url : rule.rule.non_resource_urls) {
          paths.insert(url);
          paths.insert(absl::StrCat(url, "probe"));
        }
      }
    }
  }
  verbs.erase("*");
  groups.erase("*");
  resources.erase("*");
  subresources.erase("*");
  std::vector<Request> universe;
  for (const std::string& verb : verbs) {
    for (const std::string& group : groups) {
      for (const std::string& resource : resources) {
        for (const std::string& subresource : subresources) {
          for (const std::string& name : names) {
            for (const std::string& namespace_name : namespaces) {
              universe.push_back({verb, true, group, resource, subresource,
                                  name, namespace_name, ""});
            }
          }
        }
      }
    }
    for (const std::string& path : paths) {
      Request request;
      request.verb = verb;
      request.is_resource_request = false;
      request.path = path;
      universe.push_back(request);
    }
  }
  return universe;
}

std::vector<Request> CatalogRequests(
    const std::vector<const RbacObjects*>& objects) {
  std::set<std::string> namespaces = {"", "default", "probe-namespace"};
  for (const RbacObjects* set : objects) {
    for (const RoleObject& role : set->roles) {
      namespaces.insert(role.metadata.namespace_name);
    }
    for (const BindingObject& binding : set->bindings) {
      namespaces.insert(binding.metadata.namespace_name);
    }
  }
  return CatalogRequestsIn(namespaces);
}

std::vector<Request> CatalogRequestsIn(
    const std::set<std::string>& namespaces) {
  absl::StatusOr<ResourceCatalog> catalog = ResourceCatalog::Builtin();
  if (!catalog.ok()) {
    ADD_FAILURE() << catalog.status();
    return {};
  }
  std::vector<Request> requests;
  const auto add =
      [&](const std::string& group, const std::string& resource,
          const std::string& subresource,
          const google::protobuf::RepeatedPtrField<std::string>& verbs) {
        for (const std::string& verb : verbs) {
          for (const std::string name : {"", "probe-name"}) {
            for (const std::string& namespace_name : namespaces) {
              requests.push_back({verb, true, group, resource, subresource,
                                  name, namespace_name, ""});
            }
          }
        }
      };
  for (const std::string& group : catalog->GroupNames()) {
    for (const std::string& name : catalog->ResourceNames(group)) {
      const v1::ApiResource& resource = *catalog->Find(group, name);
      add(group, name, "", resource.verbs());
      for (const v1::ApiSubresource& sub : resource.subresources()) {
        add(group, name, sub.name(), sub.verbs());
      }
    }
  }
  return requests;
}

std::vector<CommittedProfile> CommittedProfiles() {
  std::vector<CommittedProfile> profiles;
  const std::string policies = RunfilePath("policies");
  for (const std::string& bundle : Subfolders(policies)) {
    IssueList issues;
    const absl::StatusOr<LoadedBundle> loaded =
        LoadBundle((fs::path(policies) / bundle).string(),
                   (fs::path("policies") / bundle).string(), &issues);
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    if (!loaded.ok()) continue;
    EXPECT_FALSE(issues.has_errors()) << issues.Render(loaded->file_texts);
    for (const auto& [name, profile] : loaded->profiles) {
      if (profile.proto.contexts().empty()) {
        profiles.push_back({bundle, name, ""});
      }
      for (const v1::ContextIdentity& context : profile.proto.contexts()) {
        profiles.push_back({bundle, name, context.name()});
      }
    }
  }
  std::sort(profiles.begin(), profiles.end(),
            [](const CommittedProfile& a, const CommittedProfile& b) {
              return std::tie(a.bundle, a.profile, a.context) <
                     std::tie(b.bundle, b.profile, b.context);
            });
  EXPECT_FALSE(profiles.empty()) << "no profiles under " << policies;
  return profiles;
}

std::vector<std::string> CommittedOutputs() {
  std::vector<std::string> outputs;
  for (const auto& file : ReadTree(RunfilePath("outputs"))) {
    if (fs::path(file.first).filename() == "rbac.yaml") {
      outputs.push_back("outputs/" + file.first);
    }
  }
  EXPECT_FALSE(outputs.empty()) << "no rbac.yaml under outputs/";
  return outputs;
}

UserInfo UserForSubject(const Subject& subject) {
  if (subject.kind == "ServiceAccount") {
    return ServiceAccountUser(subject.namespace_name, subject.name);
  }
  if (subject.kind == "User") return {subject.name, {"system:authenticated"}};
  return {"probe-member", {subject.name, "system:authenticated"}};
}

std::vector<UserInfo> BoundUsers(
    const std::vector<const RbacObjects*>& objects) {
  std::set<Subject> subjects;
  for (const RbacObjects* set : objects) {
    for (const BindingObject& binding : set->bindings) {
      for (Subject subject : binding.subjects) {
        if (subject.kind == "ServiceAccount" &&
            subject.namespace_name.empty()) {
          subject.namespace_name = binding.metadata.namespace_name;
        }
        subjects.insert(subject);
      }
    }
  }
  std::vector<UserInfo> users;
  for (const Subject& subject : subjects) {
    users.push_back(UserForSubject(subject));
  }
  return users;
}

std::set<std::string> AllowedRequests(const RbacObjects& objects,
                                      const UserInfo& user,
                                      const std::vector<Request>& universe) {
  const Authorizer authorizer(objects);
  std::set<std::string> allowed;
  for (const Request& request : universe) {
    if (!authorizer.Allows(user, request)) continue;
    if (!request.is_resource_request) {
      allowed.insert(absl::StrCat(request.verb, " ", request.path));
      continue;
    }
    allowed.insert(absl::StrCat(
        request.verb, " ",
        request.api_group.empty() ? "core" : request.api_group, "/",
        request.resource, request.subresource.empty() ? "" : "/",
        request.subresource, request.name.empty() ? "" : " name=", request.name,
        request.namespace_name.empty()
            ? " cluster-scope"
            : absl::StrCat(" ns=", request.namespace_name)));
  }
  return allowed;
}

}  // namespace rbacc::testing

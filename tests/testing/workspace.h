// Test helpers: files from the runfiles, scratch workspaces holding a copy of
// policies/, and evaluating which requests a set of RBAC objects allows.
#ifndef RBACC_TESTS_TESTING_WORKSPACE_H_
#define RBACC_TESTS_TESTING_WORKSPACE_H_

#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "compiler/common/authorizer.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/review/policy_input.h"

namespace rbacc::testing {

// Path of `relative` (e.g. "policies/skypilot/base.textproto") in the test's
// runfiles.
std::string RunfilePath(const std::string& relative);

// The file's bytes; fails the current test (and returns "") when it cannot be
// read.
std::string ReadFileOrDie(const std::string& path);

// Writes `content` to `path`, creating parent folders.
void WriteFile(const std::string& path, const std::string& content);

// Every regular file under `folder` (recursively), by path relative to it, with
// its bytes.
std::map<std::string, std::string> ReadTree(const std::string& folder);

// Compares `actual` with the golden file at runfile path `relative` (e.g.
// "tests/testdata/review/x/expected.txt"), failing the test with the whole
// output and how to accept it (`bazel run update_target`) on a mismatch.
// Under `RBACC_UPDATE_GOLDENS=1 bazel run`, writes `actual` to the golden file
// in the source tree instead. Returns false in update mode, true otherwise.
bool CheckGolden(const std::string& relative, const std::string& actual,
                 const std::string& update_target);

// The names of the folders directly under `folder`, sorted (a golden test's
// cases).
std::vector<std::string> Subfolders(const std::string& folder);

// A fresh folder under the test's temporary directory holding a copy of the
// repository's policies/ folder; returns its path.
std::string MakeWorkspace(const std::string& name);

// The policy `reference` names (as `rbacc diff` takes it: a profile,
// features, BUNDLE:PROFILE or YAML), loaded and compiled in `workspace`;
// fails the current test (and returns an empty input) on any error.
PolicyInput LoadPolicyOrFail(const std::string& reference,
                             const std::string& workspace);

// What one run of the rbacc binary printed, and its exit code (-1 when it did
// not exit normally).
struct RbaccRun {
  std::string out;
  std::string err;
  int exit_code = -1;
};

// Runs the rbacc binary of the runfiles with `args` for `workspace` (as
// BUILD_WORKSPACE_DIRECTORY), from folder `cwd` (default: the workspace). A
// non-empty `environment` ("NAME=value ...") replaces the environment, PATH
// aside. A non-empty `stdin_path` is given as standard input. Nothing is
// written into the workspace but what rbacc writes.
RbaccRun RunRbacc(const std::string& workspace,
                  const std::vector<std::string>& args,
                  const std::string& cwd = "",
                  const std::string& environment = "",
                  const std::string& stdin_path = "");

// rbac.yaml read back with ReadRbacYaml; fails the current test on a parse
// error.
RbacObjects ReadRbacFile(const std::string& path);

// Requests that probe every verb, group, resource, subresource, name, namespace
// and URL the objects mention, plus some they do not, so that two sets of
// objects allow the same requests of this universe only if they grant the same
// permissions.
std::vector<Request> RequestUniverse(
    const std::vector<const RbacObjects*>& objects);

// Every request the built-in Kubernetes catalogue describes: each verb it
// serves on each resource and subresource of each group, unnamed and named,
// in every namespace the objects mention and at cluster scope.
std::vector<Request> CatalogRequests(
    const std::vector<const RbacObjects*>& objects);

// Every request the built-in Kubernetes catalogue (with its virtual resources)
// describes, as CatalogRequests does, in each of `namespaces` ("" is cluster
// scope).
std::vector<Request> CatalogRequestsIn(const std::set<std::string>& namespaces);

// A committed profile: policies/<bundle>/profiles/<profile>.textproto, or one
// context of a profile with contexts.
struct CommittedProfile {
  std::string bundle;
  std::string profile;
  // The context's name, or "" for a profile without contexts.
  std::string context;

  // "bundle:profile" or "bundle:profile@context", as `rbacc diff` takes it.
  std::string Reference() const {
    return bundle + ":" + profile + (context.empty() ? "" : "@" + context);
  }

  // How gtest prints a test parameter.
  friend void PrintTo(const CommittedProfile& profile, std::ostream* out) {
    *out << profile.Reference();
  }
};

// Every committed profile of every bundle under the runfiles' policies/, found
// on disk, one entry per context for a profile with contexts, sorted by
// bundle, profile and context; fails the test when there is none or a bundle
// does not load.
std::vector<CommittedProfile> CommittedProfiles();

// Every committed rbac.yaml under the runfiles' outputs/, found on disk, as
// paths relative to the runfiles root ("outputs/skypilot/full/rbac.yaml"),
// sorted; fails the test when there is none.
std::vector<std::string> CommittedOutputs();

// The identity that `subject` of a binding gives a request: a service
// account's, a user's (with system:authenticated), or for a group a member
// "probe-member" of it.
UserInfo UserForSubject(const Subject& subject);

// The identities of every subject `objects` bind (see UserForSubject),
// sorted by subject, without repeats.
std::vector<UserInfo> BoundUsers(
    const std::vector<const RbacObjects*>& objects);

// One line per request of `universe` that `user` is allowed:
// "get apps/deployments/scale name=x ns=default" or "get /healthz".
std::set<std::string> AllowedRequests(const RbacObjects& objects,
                                      const UserInfo& user,
                                      const std::vector<Request>& universe);

}  // namespace rbacc::testing

#endif  // RBACC_TESTS_TESTING_WORKSPACE_H_

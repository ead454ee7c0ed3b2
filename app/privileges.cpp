#include "app/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "common/setup_error.h"

namespace portauth::app {
namespace {

[[noreturn]] void fail(const std::string& step) {
  throw common::SetupError("cannot drop privileges (" + step + "): " + std::strerror(errno) +
                            "; refusing to go on. Use --user USER, or --user root to keep root");
}

struct CapFree {
  void operator()(void* p) const { cap_free(p); }
};

// Leaves exactly CAP_NET_RAW in the permitted and effective sets (nothing inheritable) and
// clears the ambient set, so nothing is passed to a child either.
void keep_only_net_raw() {
  std::unique_ptr<_cap_struct, CapFree> caps(cap_init());
  if (!caps) fail("cap_init");
  const cap_value_t raw[] = {CAP_NET_RAW};
  if (cap_set_flag(caps.get(), CAP_PERMITTED, 1, raw, CAP_SET) != 0 ||
      cap_set_flag(caps.get(), CAP_EFFECTIVE, 1, raw, CAP_SET) != 0)
    fail("cap_set_flag");
  if (cap_set_proc(caps.get()) != 0) fail("cap_set_proc");
  if (CAP_AMBIENT_SUPPORTED() && cap_reset_ambient() != 0) fail("cap_reset_ambient");
}

}  // namespace

std::string drop_target_user(const std::string& requested) {
  if (!requested.empty()) return requested;
  const char* sudo_user = std::getenv("SUDO_USER");
  if (sudo_user && *sudo_user && std::strcmp(sudo_user, "root") != 0) return sudo_user;
  return "nobody";
}

bool give_to_user(int fd, const std::string& user) {
  if (user == "root" || geteuid() != 0) return true;
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  if (getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || !found) return false;
  return fchown(fd, found->pw_uid, found->pw_gid) == 0;
}

void drop_privileges(const std::string& user) {
  if (user == "root") {
    static bool warned = false;
    if (!warned && geteuid() == 0)
      std::fprintf(stderr, "portauth: warning: --user root: scanning with full root privileges\n");
    warned = true;
    return;
  }
  if (geteuid() == 0 || getuid() == 0) {
    std::vector<char> buf(16384);
    passwd pw{};
    passwd* found = nullptr;
    if (getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || !found) {
      errno = ENOENT;
      fail("no user named '" + user + "'");
    }
    if (found->pw_uid == 0) {
      errno = EINVAL;
      fail("user '" + user + "' has uid 0");
    }
    const uid_t uid = found->pw_uid;
    const gid_t gid = found->pw_gid;
    // Keep the permitted capabilities across the uid change, then trim them to CAP_NET_RAW.
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) fail("PR_SET_KEEPCAPS");
    if (setgroups(0, nullptr) != 0) fail("setgroups");
    if (setresgid(gid, gid, gid) != 0) fail("setresgid");
    if (setresuid(uid, uid, uid) != 0) fail("setresuid");
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) fail("PR_SET_KEEPCAPS off");
    // Proof, not trust: root must be gone for good.
    uid_t r, e, s;
    if (getresuid(&r, &e, &s) != 0 || r != uid || e != uid || s != uid) fail("uid check");
    if (setuid(0) == 0) {
      errno = EPERM;
      fail("could regain root");
    }
  }
  keep_only_net_raw();
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("PR_SET_NO_NEW_PRIVS");
}

}  // namespace portauth::app

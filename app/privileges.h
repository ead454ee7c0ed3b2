// Privilege drop: portauth needs root (or CAP_NET_RAW) only to open its capture handle and
// raw socket. Once those, the output files, the config and the database are open, a scan
// started as root switches to an unprivileged user, keeps CAP_NET_RAW and nothing else,
// and sets no_new_privs — so the code that parses packets from strangers runs with as
// little power as possible. Every step is checked; if one fails the scan does not go on.
#pragma once
#include <string>

namespace portauth::app {

// The user to become: `requested` if given, else the one who ran sudo ($SUDO_USER), else
// "nobody". "root" means: do not drop (the caller has decided; a warning is printed).
std::string drop_target_user(const std::string& requested);

// Started as root: become `user` (its uid and primary gid, no supplementary groups) with
// only CAP_NET_RAW (permitted and effective), then no_new_privs. Started unprivileged (e.g.
// a binary given cap_net_raw by setcap): keep only CAP_NET_RAW and set no_new_privs.
// Throws common::SetupError saying which step failed. Idempotent: a second call (a config
// file's next scan) only re-checks.
void drop_privileges(const std::string& user);

// Started as root: makes the file behind `fd`, just created, `user`'s (uid and primary gid), so
// that after the drop the scan may still replace or remove it where the directory lets its
// owner do so (a sticky /tmp). A no-op for "root", or when not root; false if it failed.
bool give_to_user(int fd, const std::string& user);

}  // namespace portauth::app

package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// The bot runs as its own user, and the files of its data directory are
// that user's, mode 0600. An administrator who runs a command that
// replaces those files (restore, rekey) as root must not leave root-owned
// files the bot can no longer open; as another user, she could not open
// them at all.

// ErrOtherUser means a command that replaces files of the data directory
// runs as a user other than the directory's owner (and not as root).
var ErrOtherUser = errors.New("belongs to another user")

// CheckOwner fails with ErrOtherUser, naming the user to run as, when the
// process is neither root nor the owner of path.
func CheckOwner(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	uid, _, ok := owner(fi)
	if !ok || os.Geteuid() == 0 || uid == os.Geteuid() {
		return nil
	}
	name := strconv.Itoa(uid)
	if u, err := user.LookupId(name); err == nil {
		name = u.Username
	}
	return fmt.Errorf("%s %w, %s: run the command as that user (sudo -u %s frontdoor ...) or as root", path, ErrOtherUser, name, name)
}

// sameOwner gives dst the owner of like, when the process may (as root)
// and they differ, and the mode perm. Elsewhere new files are the
// process's own, which CheckOwner made sure is the right user.
func sameOwner(dst, like string, perm fs.FileMode) error {
	if err := os.Chmod(dst, perm); err != nil {
		return err
	}
	fi, err := os.Stat(like)
	if err != nil {
		return err
	}
	uid, gid, ok := owner(fi)
	if !ok || os.Geteuid() != 0 {
		return nil
	}
	if err := os.Lchown(dst, uid, gid); err != nil {
		return fmt.Errorf("give %s the owner of %s: %w", dst, like, err)
	}
	return nil
}

// owner reads a file's user and group ids.
func owner(fi fs.FileInfo) (uid, gid int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return int(st.Uid), int(st.Gid), true
}

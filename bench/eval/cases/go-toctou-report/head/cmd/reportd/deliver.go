// reportd runs as root on the shared build hosts: it renders each user's nightly usage report
// and delivers it into that user's home directory.
package main

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
)

// reportDir is where a user's reports go: ~/reports, created by the user.
func reportDir(u *user.User) string {
	return filepath.Join(u.HomeDir, "reports")
}

func lookupUID(u *user.User) (int, error) {
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return 0, fmt.Errorf("user %s: bad uid %q", u.Username, u.Uid)
	}
	return uid, nil
}

// deliver writes the report as ~/reports/usage-DATE.txt and gives it to the user.
func deliver(u *user.User, date string, report []byte) error {
	uid, err := lookupUID(u)
	if err != nil {
		return err
	}
	p := filepath.Join(reportDir(u), "usage-"+date+".txt")
	// never write through a link the user planted: we are root
	if st, err := os.Lstat(p); err == nil && st.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("%s is a symbolic link, not delivering", p)
	}
	if err := os.WriteFile(p, report, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return os.Chown(p, uid, -1)
}

// reportd runs as root on the shared build hosts: it renders each user's nightly usage report
// and delivers it into that user's home directory.
package main

import (
	"fmt"
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

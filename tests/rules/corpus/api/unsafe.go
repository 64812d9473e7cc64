package main

import (
	"crypto/tls"
	"fmt"
	"os/exec"
)

func run(db *sql.DB, name string) {
	cfg := &tls.Config{InsecureSkipVerify: true}
	cfg2 := &tls.Config{InsecureSkipVerify: false}
	exec.Command("sh", "-c", "echo "+name).Run()
	exec.Command("git", "status").Run()
	exec.Command(tool, name).Run()
	db.Query(fmt.Sprintf("SELECT * FROM t WHERE name = '%s'", name))
	db.Query("SELECT * FROM t WHERE name = $1", name)
	w.Write([]byte(template.HTML(name)))
	_ = cfg; _ = cfg2
}

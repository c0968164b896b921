package main

import (
	"runtime/debug"

	"frontdoor/bot/ops"
)

// readVersion is this program's build, from the module's build
// information: the version tag it was built from (or a pseudo-version
// naming the commit; "(devel)" when the build had no version control), the
// commit and whether the tree had changes.
func readVersion() ops.Build {
	b := ops.Build{Version: "(devel)", Revision: "unknown"}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	b.GoVersion = info.GoVersion
	if info.Main.Version != "" {
		b.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

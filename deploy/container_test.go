package deploy_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestContainerfile: every base image is pinned by digest, the image asks
// frontdoor healthcheck for its health, and the build context leaves out
// data directories and keys (a developer's data/frontdoor.key must never
// reach an image), for podman (.containerignore) and docker (.dockerignore)
// alike. No container engine is needed: the files are read.
func TestContainerfile(t *testing.T) {
	raw, err := os.ReadFile("Containerfile")
	if err != nil {
		t.Fatal(err)
	}
	cf := string(raw)
	froms := regexp.MustCompile(`(?m)^FROM\s+(\S+)`).FindAllStringSubmatch(cf, -1)
	if len(froms) < 2 {
		t.Fatalf("%d FROM lines", len(froms))
	}
	for _, f := range froms {
		if !regexp.MustCompile(`@sha256:[0-9a-f]{64}$`).MatchString(f[1]) {
			t.Errorf("FROM %s is not pinned by digest", f[1])
		}
	}
	if !regexp.MustCompile(`(?m)^HEALTHCHECK .*\n?.*CMD \["/usr/local/bin/frontdoor", "healthcheck"\]`).MatchString(cf) {
		t.Error("the image has no HEALTHCHECK running frontdoor healthcheck")
	}
	if !strings.Contains(cf, "USER nonroot") {
		t.Error("the image does not run as a non-root user")
	}
	var ignores [][]string
	for _, name := range []string{"../.containerignore", "../.dockerignore"} {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var patterns []string
		for _, line := range strings.Split(string(raw), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				patterns = append(patterns, line)
			}
		}
		for _, want := range []string{"data/", "**/data/", "*.key", "*.key.*", "*.db"} {
			if !slices.Contains(patterns, want) {
				t.Errorf("%s does not leave out %s", name, want)
			}
		}
		ignores = append(ignores, patterns)
	}
	if !slices.Equal(ignores[0], ignores[1]) {
		t.Errorf(".containerignore and .dockerignore differ:\n%q\n%q", ignores[0], ignores[1])
	}
}

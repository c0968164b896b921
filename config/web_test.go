package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"frontdoor/config"
)

// TestWeb: the web door's address, title, exit site and icon, read as a
// deployer writes them, and the mistakes said in one sentence each.
func TestWeb(t *testing.T) {
	dir := t.TempDir()
	png := filepath.Join(dir, "icon.png")
	svg := filepath.Join(dir, "icon.svg")
	big := filepath.Join(dir, "big.png")
	text := filepath.Join(dir, "icon.txt")
	for name, content := range map[string]string{
		png:  "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
		svg:  `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>`,
		big:  "\x89PNG\r\n\x1a\n" + strings.Repeat("x", 20<<10),
		text: "hello",
	} {
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := config.FromEnv(env(nil))
	if err != nil || c.Web.Addr != "" || c.Web.Icon != nil || c.Web.Title != "" || c.Web.Exit != "" {
		t.Fatalf("defaults: %+v, %v", c.Web, err)
	}
	c, err = config.FromEnv(env(map[string]string{config.EnvWeb: "127.0.0.1:8080", config.EnvWebTitle: "Info Salute",
		config.EnvWebExit: "https://www.ilmeteo.it/", config.EnvWebIcon: png}))
	if err != nil || c.Web.Addr != "127.0.0.1:8080" || c.Web.Title != "Info Salute" || c.Web.Exit != "https://www.ilmeteo.it/" || c.Web.IconType != "image/png" {
		t.Fatalf("values: %+v, %v", c.Web, err)
	}
	if c, err := config.FromEnv(env(map[string]string{config.EnvWebIcon: svg})); err != nil || c.Web.IconType != "image/svg+xml" {
		t.Errorf("an SVG icon: %q, %v", c.Web.IconType, err)
	}
	for _, tc := range []struct {
		name, value, want string
	}{
		{config.EnvWeb, "8080", "must be host:port"},
		{config.EnvWebTitle, strings.Repeat("Info ", 20), "at most 60 characters"},
		{config.EnvWebTitle, "<b>Info</b>", "neutral title"},
		{config.EnvWebExit, "www.google.it", "address of a neutral site"},
		{config.EnvWebIcon, filepath.Join(dir, "none.png"), "cannot read the icon"},
		{config.EnvWebIcon, big, "must stay light"},
		{config.EnvWebIcon, text, "not a PNG, ICO or SVG"},
	} {
		if _, err := config.FromEnv(env(map[string]string{tc.name: tc.value})); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s=%q: %v, want %q", tc.name, tc.value, err, tc.want)
		}
	}
}

package logattr_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// direct matches a log attribute or a log call built outside this package:
// slog.String(...) and friends, or logger.Info("msg", key, value...).
var direct = regexp.MustCompile(`slog\.(String|Int|Int64|Uint64|Float64|Bool|Time|Duration|Any|Group)\(|\blog\.(Info|Warn|Error|Debug)\(|\.log\.(Info|Warn|Error|Debug)\(`)

// TestOnePlace: every log attribute of the program is built here, so that
// what can reach a log is decided in one file. Tests are exempt.
func TestOnePlace(t *testing.T) {
	root := "../.." // the module, from flows/logattr
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == "testdata" || name == "logattr" || strings.HasPrefix(name, ".") && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if direct.MatchString(line) {
				t.Errorf("%s:%d builds a log attribute outside logattr: %s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

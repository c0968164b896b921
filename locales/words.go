package locales

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"

	"github.com/BurntSushi/toml"
)

//go:embed words/*.toml
var wordFiles embed.FS

// Words are the lists of what people type in one language, which the
// dialogues read for what it means (flows.Words has the same fields and
// says what each list is for). They live beside the message files so that
// a language is added, and reviewed by its speakers, in one place.
type Words struct {
	Help     []string          `toml:"help"`
	Greeting []string          `toml:"greeting"`
	Thanks   []string          `toml:"thanks"`
	Yes      []string          `toml:"yes"`
	No       []string          `toml:"no"`
	Place    []string          `toml:"place"`
	Street   []string          `toml:"street"`
	Common   []string          `toml:"common"`
	Towns    map[string]string `toml:"towns"`
}

// WordLists reads words/LANG.toml of every language. An unknown key is an
// error, so that a misspelt list is not silently ignored.
func WordLists() (map[string]Words, error) {
	names, err := fs.Glob(wordFiles, "words/*.toml")
	if err != nil {
		return nil, fmt.Errorf("list word files: %w", err)
	}
	out := make(map[string]Words, len(names))
	for _, name := range names {
		raw, err := wordFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		var w Words
		md, err := toml.Decode(string(raw), &w)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if un := md.Undecoded(); len(un) > 0 {
			return nil, fmt.Errorf("%s: unknown key %s", name, un[0])
		}
		out[strings.TrimSuffix(strings.TrimPrefix(name, "words/"), ".toml")] = w
	}
	return out, nil
}

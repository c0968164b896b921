package review

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"frontdoor/flows/directory"
	"frontdoor/locales"
)

// The README's table of translations stands between these lines.
const (
	tableStart = "<!-- translations table: written by frontdoor translations import -->\n"
	tableEnd   = "<!-- end of the translations table -->\n"
)

// LanguageTable is the README's table of translations: who reviewed each
// one, and when, from the stamps in fsys (locales/ on disk).
func LanguageTable(fsys fs.FS) (string, error) {
	langs, err := locales.FileLangs(fsys)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("| language | file | reviewed by a native speaker | on |\n|---|---|---|---|\n")
	for _, lang := range sortLangs(langs) {
		if lang == locales.Source {
			fmt.Fprintf(&b, "| %s | `%s.toml` | the source | |\n", directory.LanguageName(lang), lang)
			continue
		}
		st, err := locales.ReadStamps(fsys, lang)
		if err != nil {
			return "", err
		}
		by, on := "not yet", ""
		if st.Review.By != "" {
			by, on = strings.ReplaceAll(st.Review.By, "|", "/"), st.Review.On
		}
		fmt.Fprintf(&b, "| %s | `%s.toml` | %s | %s |\n", directory.LanguageName(lang), lang, by, on)
	}
	return b.String(), nil
}

// sortLangs orders languages as the bot offers them: the source, English,
// then by code.
func sortLangs(langs []string) []string {
	var out []string
	for _, first := range []string{locales.Source, "en"} {
		for _, l := range langs {
			if l == first {
				out = append(out, l)
			}
		}
	}
	for _, l := range langs {
		if l != locales.Source && l != "en" {
			out = append(out, l)
		}
	}
	return out
}

// UpdateReadme writes the table of translations into the README at path,
// between its markers, and tells whether it changed. A README without the
// markers, or no README, is left alone.
func UpdateReadme(path string, fsys fs.FS) (bool, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	table, err := LanguageTable(fsys)
	if err != nil {
		return false, err
	}
	start := bytes.Index(raw, []byte(tableStart))
	end := bytes.Index(raw, []byte(tableEnd))
	if start < 0 || end < start {
		return false, nil
	}
	out := append(bytes.Clone(raw[:start+len(tableStart)]), '\n')
	out = append(out, table...)
	out = append(out, '\n')
	out = append(out, raw[end:]...)
	if bytes.Equal(out, raw) {
		return false, nil
	}
	return true, os.WriteFile(path, out, 0o644)
}

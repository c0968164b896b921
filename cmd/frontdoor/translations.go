package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"frontdoor/bot"
	"frontdoor/locales"
	"frontdoor/locales/review"
)

const translationsUsage = `Usage:
  frontdoor translations review [--dir locales] [--out DIR] [--force] LANG
      write LANG-review.html (to read or print) and LANG-review.txt (to fill in)
      for a native speaker: her screens in the order she meets them, then every
      other message, in Italian, English and LANG
  frontdoor translations import [--dir locales] FILE
      read a filled-in LANG-review.txt back: her corrections into locales/LANG.toml,
      her review into locales/stamps/LANG.toml and the README's table

Run them in a clone of frontdoor (go run ./cmd/frontdoor translations …): they
read and write the message files of the clone.
`

// translationsCmd writes the review sheet of a translation, or reads a
// filled-in one back into the message files.
func translationsCmd(ctx context.Context, args []string, now time.Time, stdout, stderr io.Writer) int {
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	fs := flag.NewFlagSet("translations "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {} // -h prints the usage below, on standard output
	dir := fs.String("dir", "locales", "the folder of the message files")
	var out *string
	var force *bool
	switch sub {
	case "review":
		out = fs.String("out", ".", "the folder to write the two files into")
		force = fs.Bool("force", false, "overwrite a sheet already there (a filled-in one would be lost)")
	case "import":
	case "-h", "-help", "--help", "help":
		io.WriteString(stdout, translationsUsage)
		return 0
	default:
		fmt.Fprintf(stderr, "frontdoor: translations: unknown command %q\n\n%s", sub, translationsUsage)
		return 2
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			io.WriteString(stdout, translationsUsage)
			return 0
		}
		io.WriteString(stderr, translationsUsage)
		return 2
	}
	if fs.NArg() != 1 {
		io.WriteString(stderr, translationsUsage)
		return 2
	}
	var err error
	if sub == "review" {
		err = writeSheet(ctx, *dir, *out, fs.Arg(0), *force, now, stdout)
	} else {
		err = importSheet(*dir, fs.Arg(0), now, stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "frontdoor: translations %s: %v\n", sub, err)
		return 1
	}
	return 0
}

// sameTexts checks that the texts built into the program are those of dir:
// the sheet shows screens rendered by the one and messages read from the
// other.
func sameTexts(dir string, langs ...string) error {
	for _, lang := range langs {
		disk, err := os.ReadFile(filepath.Join(dir, lang+".toml"))
		if err != nil {
			return fmt.Errorf("%w (run this in a clone of frontdoor, or give --dir)", err)
		}
		built, err := locales.File(lang)
		if err != nil {
			return fmt.Errorf("this program has no texts in %q", lang)
		}
		if !bytes.Equal(disk, built) {
			return fmt.Errorf("%s differs from the texts built into this program: run it from the same clone, with go run ./cmd/frontdoor", filepath.Join(dir, lang+".toml"))
		}
	}
	return nil
}

func writeSheet(ctx context.Context, dir, out, lang string, force bool, now time.Time, stdout io.Writer) error {
	if err := sameTexts(dir, locales.Source, "en", lang); err != nil {
		return err
	}
	cat, err := locales.New()
	if err != nil {
		return err
	}
	steps, err := review.Tour(ctx, cat.Langs())
	if err != nil {
		return err
	}
	s, err := review.New(os.DirFS(dir), lang, steps, bot.NewRenderer(cat), now)
	if err != nil {
		return err
	}
	htmlPath, formPath := filepath.Join(out, lang+"-review.html"), filepath.Join(out, lang+"-review.txt")
	if !force {
		for _, p := range []string{htmlPath, formPath} {
			if _, err := os.Stat(p); err == nil {
				return fmt.Errorf("%s is already there (a filled-in sheet?): move it away, or give --force", p)
			}
		}
	}
	var page, form bytes.Buffer
	if err := review.WriteHTML(&page, s); err != nil {
		return err
	}
	if err := review.WriteForm(&form, s); err != nil {
		return err
	}
	if err := os.WriteFile(htmlPath, page.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(formPath, form.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote %s (to read in a browser or print) and %s (to fill in with any text editor).\n", htmlPath, formPath)
	if s.Stale+s.ReviewAgain > 0 {
		fmt.Fprintf(stdout, "Marked: %d messages whose Italian changed after they were translated, %d changed since the last review.\n", s.Stale, s.ReviewAgain)
	}
	fmt.Fprintf(stdout, "When the reviewer sends %s back: frontdoor translations import %s\n", filepath.Base(formPath), filepath.Base(formPath))
	return nil
}

func importSheet(dir, file string, now time.Time, stdout io.Writer) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	form, err := review.ReadForm(f)
	if err != nil {
		return fmt.Errorf("%s: nothing changed:\n%w", file, err)
	}
	res, err := review.Import(dir, form, now)
	if err != nil {
		return fmt.Errorf("%s: nothing changed:\n%w", file, err)
	}
	fmt.Fprintf(stdout, "%s: %d messages recorded as reviewed by %s.\n", res.Lang, res.Reviewed, form.Reviewer)
	if len(res.Changed) > 0 {
		fmt.Fprintf(stdout, "Corrected in %s: %s\n", filepath.Join(dir, res.Lang+".toml"), strings.Join(res.Changed, ", "))
	}
	for _, n := range res.Notes {
		fmt.Fprintf(stdout, "Note on %s\n", n)
	}
	changed := []string{filepath.Join(dir, locales.StampsDir, res.Lang+".toml")}
	if len(res.Changed) > 0 {
		changed = append(changed, filepath.Join(dir, res.Lang+".toml"))
	}
	if res.Readme {
		changed = append(changed, "README.md")
	}
	fmt.Fprintf(stdout, "Now run go test ./... and commit %s.\n", strings.Join(changed, ", "))
	return nil
}

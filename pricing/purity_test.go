package pricing

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPricingStaysPure holds the line of STYLE.md: the domain imports the standard
// library and decimal only, and nothing it depends on brings in HTTP, templates, a
// database driver or another package of the project. (decimal itself implements
// database/sql/driver.Valuer, which is why that one package may appear among the deps.)
func TestPricingStaysPure(t *testing.T) {
	list := func(args ...string) []string {
		out, err := exec.Command("go", append([]string{"list"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("go list: %v\n%s", err, out)
		}
		return strings.Fields(string(out))
	}
	for _, imp := range list("-f", `{{join .Imports " "}}`, ".") {
		if strings.Contains(imp, ".") && imp != "github.com/shopspring/decimal" || strings.HasPrefix(imp, "database/") {
			t.Errorf("pricing imports %s", imp)
		}
	}
	for _, dep := range list("-deps", ".") {
		switch {
		case dep == "net/http", strings.HasPrefix(dep, "net/http/"), dep == "database/sql",
			strings.Contains(dep, "templ"), strings.Contains(dep, "sqlite"), strings.Contains(dep, "pgx"),
			strings.HasPrefix(dep, "kmsconsole/") && dep != "kmsconsole/pricing":
			t.Errorf("pricing depends on %s", dep)
		}
	}
}

// crmflow: the command-line runner (spec/cli.md). Placeholder until the model lands.
#include <cstdio>
int main() {
  std::puts("crmflow 0.1.0");
  return 0;
}

#include "ccprovision_manual.hpp"

namespace cchost::provision {

manpage::CommandManual ccprovision_manual() {
  manpage::CommandManual manual;
  manual.examples = {
      {"ccprovision --init my-project", "write a commented sample project (simulated evidence) to start from"},
      {"ccprovision --project my-project/project.toml --out kits",
       "one signed kit per participant under kits/, and kits/root.fingerprint to hand out separately"},
      {"ccprovision --project my-project/project.toml --out kits --add-site site-3",
       "provision a [[site]] added to project.toml later, keeping every existing key"},
      {"ccprovision --project my-project/project.toml --out kits --rotate site-2",
       "new keys for site-2; its kit and the server's are rewritten"},
  };
  // The codes of ProvisionOutcome (provisioner.cpp: bad_input() and failure()).
  manual.exit_codes = {
      {0, "ok: the kits (or the sample project) were written"},
      {1, "failed while writing: a key, the state folder or a kit file could not be made"},
      {2, "usage error or bad input: project.toml, a policy or a plugin refused (each error named); an --out "
          "folder that exists without --force; an --init file that exists"},
  };
  manual.notes = "The root fingerprint is printed and written to OUT/root.fingerprint, outside every kit: give it "
                 "to each operator apart from the kit, since a kit cannot vouch for its own root. The key state "
                 "(--state) is what --add-site and --rotate keep; back it up.";
  return manual;
}

manpage::ManualInfo ccprovision_manual_info() {
  manpage::ManualInfo info;
  info.program = "ccprovision";
  info.version = CCHOST_VERSION;
  info.manual = "cchost manual";
  info.see_also = {"cchost(1)", "cchost-run(1)", "cchost-kit(1)"};
  info.default_text = {{"--plugin-dir", "the plugins folder next to the binary: ../plugins in a build tree, "
                                        "../lib/cchost/plugins installed"}};
  return info;
}

}  // namespace cchost::provision

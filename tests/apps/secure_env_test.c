/* Prints the settings the layer would use in this process, as the layer reads them. Run
 * set-user-ID by check_secure_env.sh to show that a privileged program ignores them. */
#include <stdio.h>

#include "venus_wsi/config.h"

int
main(void)
{
   const struct vw_config *cfg = vw_config_get();
   printf("mode=%s\n", vw_mode_name(cfg->mode));
   printf("dump_dir=%s\n", cfg->dump_dir);
   printf("stats_file=%s\n", cfg->stats_file);
   printf("drm_device=%s\n", cfg->drm_device);
   return 0;
}

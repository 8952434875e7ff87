#include <stdio.h>

#include "crmflow/crmflow.h"

int main(void) {
  char* err = NULL;
  crmflow_store_t* store = crmflow_store_open("memory:", &err);
  crmflow_directory_t* users = crmflow_directory_create();
  crmflow_directory_add_user(users, "lena", "{\"groups\": [\"sales\"]}", &err);
  crmflow_engine_t* engine = crmflow_engine_create(store, NULL, users, NULL, NULL, &err);
  crmflow_free(crmflow_engine_deploy_yaml(engine,
      "process: welcome-call\n"
      "steps:\n"
      "  - {id: call, type: user, candidates: {groups: [sales]}, next: done}\n"
      "  - {id: done, type: end}\n", "welcome-call.yaml", &err));
  int64_t id = crmflow_engine_start(engine, "welcome-call", "{\"key\": \"C-1\"}", &err);
  crmflow_engine_complete(engine, 1, "{\"by\": \"lena\"}", &err);  /* task 1: the first task */
  char* found = crmflow_engine_get_case(engine, id, &err);
  if (err != NULL) { fprintf(stderr, "%s\n", err); crmflow_free(err); return 1; }
  printf("%s\n", found);  /* {"id":1,...,"status":"completed",...} */
  crmflow_free(found);
  crmflow_engine_destroy(engine);
  crmflow_directory_destroy(users);
  crmflow_store_destroy(store);
  return 0;
}

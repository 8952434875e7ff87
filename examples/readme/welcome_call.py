import crmflow

process = crmflow.load_process("""
process: welcome-call
steps:
  - {id: call, type: user, candidates: {groups: [sales]}, next: done}
  - {id: done, type: end}
""", "welcome-call.yaml")
users = crmflow.MemoryDirectory()
users.add_user("lena", ["sales"])
engine = crmflow.Engine(crmflow.MemoryStore(), directory=users)
engine.deploy(process)
case_id = engine.start("welcome-call", key="C-1")
for task in engine.tasks(user="lena"):
    engine.complete(task, by="lena")
print(engine.get_case(case_id).status)  # completed

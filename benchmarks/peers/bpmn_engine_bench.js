// The four basic crmflow-bench workloads (empty, usertask, service3, parallel) as BPMN 2.0 XML on
// bpmn-engine, one case after another, each awaited to its end; prints one JSON line in
// crmflow-bench's shape. Run by bpmn_engine.py, which installs bpmn-engine first:
//   NODE_PATH=<folder>/node_modules node bpmn_engine_bench.js WORKLOAD CASES
'use strict';
const {EventEmitter} = require('events');
const {Engine} = require('bpmn-engine');
const BpmnModdle = require('bpmn-moddle');

const head = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" targetNamespace="bench">`;
const gateway = (from) => `
    <sequenceFlow id="f-gw" sourceRef="${from}" targetRef="route" />
    <exclusiveGateway id="route" default="f-right" />
    <sequenceFlow id="f-left" sourceRef="route" targetRef="end-left">
      <conditionExpression xsi:type="tFormalExpression">\${environment.variables.left}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="f-right" sourceRef="route" targetRef="end-right" />
    <endEvent id="end-left" />
    <endEvent id="end-right" />`;
const service = (id) =>
  `<serviceTask id="${id}" implementation="\${environment.services.noop}" />`;

const sources = {
  empty: `${head}<process id="bench-empty" isExecutable="true">
    <startEvent id="begin" /><sequenceFlow id="f1" sourceRef="begin" targetRef="done" />
    <endEvent id="done" /></process></definitions>`,
  usertask: `${head}<process id="bench-usertask" isExecutable="true">
    <startEvent id="begin" /><sequenceFlow id="f1" sourceRef="begin" targetRef="review" />
    <userTask id="review" />${gateway('review')}</process></definitions>`,
  service3: `${head}<process id="bench-service3" isExecutable="true">
    <startEvent id="begin" /><sequenceFlow id="f1" sourceRef="begin" targetRef="one" />
    ${service('one')}<sequenceFlow id="f2" sourceRef="one" targetRef="two" />
    ${service('two')}<sequenceFlow id="f3" sourceRef="two" targetRef="three" />
    ${service('three')}${gateway('three')}</process></definitions>`,
  parallel: `${head}<process id="bench-parallel" isExecutable="true">
    <startEvent id="begin" /><sequenceFlow id="f1" sourceRef="begin" targetRef="fork" />
    <parallelGateway id="fork" />
    <sequenceFlow id="f2" sourceRef="fork" targetRef="a" />
    <sequenceFlow id="f3" sourceRef="fork" targetRef="b" />
    ${service('a')}${service('b')}
    <sequenceFlow id="f4" sourceRef="a" targetRef="join" />
    <sequenceFlow id="f5" sourceRef="b" targetRef="join" />
    <parallelGateway id="join" />
    <sequenceFlow id="f6" sourceRef="join" targetRef="done" />
    <endEvent id="done" /></process></definitions>`,
};

// Log-free percentile over the recorded latencies (at most a few hundred thousand numbers).
function quantile(sorted, q) {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}

// The XML is parsed once (as a host would cache a deployed definition); each case is an Engine
// over that parsed context.
async function runCase(workload, moddleContext, i, latencies, counter) {
  const engine = new Engine({
    name: `${workload}-${i}`,
    moddleContext,
    services: {noop: (context, next) => next(null, {})},
  });
  const listener = new EventEmitter();
  listener.on('activity.end', () => { counter.transitions += 1; });
  const ended = new Promise((resolve, reject) => {
    engine.once('end', resolve);
    engine.once('error', reject);
  });
  if (workload === 'usertask') {
    // The task is completed through the API as soon as it waits.
    listener.on('wait', (api) => {
      const begin = process.hrtime.bigint();
      api.signal({left: i % 2 === 0});
      latencies.push(Number(process.hrtime.bigint() - begin) / 1000);
    });
  }
  const begin = process.hrtime.bigint();
  await engine.execute({listener, variables: {left: i % 2 === 0}});
  latencies.push(Number(process.hrtime.bigint() - begin) / 1000);
  await ended;
}

async function main() {
  const [workload, casesText] = process.argv.slice(2);
  const cases = Number(casesText);
  if (!sources[workload] || !Number.isInteger(cases) || cases <= 0) {
    console.error('usage: node bpmn_engine_bench.js empty|usertask|service3|parallel CASES');
    process.exit(64);
  }
  const latencies = [];
  const counter = {transitions: 0};
  const moddleContext = await new BpmnModdle().fromXML(sources[workload]);
  const begin = process.hrtime.bigint();
  for (let i = 0; i < cases; ++i) await runCase(workload, moddleContext, i, latencies, counter);
  const seconds = Number(process.hrtime.bigint() - begin) / 1e9;
  latencies.sort((a, b) => a - b);
  const round = (v) => Math.round(v * 1000) / 1000;
  console.log(JSON.stringify({
    workload,
    store: 'bpmn-engine',
    cases,
    seconds: round(seconds),
    cases_per_s: round(cases / seconds),
    transitions_per_s: round(counter.transitions / seconds),
    p50_us: round(quantile(latencies, 0.5)),
    p99_us: round(quantile(latencies, 0.99)),
    peak_rss_kb: process.resourceUsage().maxRSS,
  }));
}

main().catch((error) => {
  console.error(`bpmn_engine_bench: ${error && error.stack ? error.stack : error}`);
  process.exit(2);
});

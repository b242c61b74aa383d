import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { LlmModule } from '@switchboard/llm';
import { ActorRegistry } from './actor-registry';
import { BrowserActor } from './roles/browser.actor';
import { ChatActor } from './roles/chat.actor';
import { CoderActor } from './roles/coder.actor';
import { JudgeActor } from './roles/judge.actor';
import { PlannerActor } from './roles/planner.actor';
import { ResearcherActor } from './roles/researcher.actor';
import { ReviewerActor } from './roles/reviewer.actor';
import { CapabilityRegistry } from './capabilities/capability-registry';
import { AnswerJournal } from './runtime/answer-journal';
import { JobRunner } from './runtime/job-runner';
import { JobStepsRepository } from './runtime/job-steps.repository';

export const ROLE_ACTORS = [
  ChatActor,
  PlannerActor,
  CoderActor,
  ReviewerActor,
  ResearcherActor,
  BrowserActor,
  JudgeActor,
];

/** The actor runtime and the role actors. Needs the queue and persistence modules. */
@Module({
  imports: [DiscoveryModule, LlmModule],
  providers: [
    ActorRegistry,
    CapabilityRegistry,
    JobRunner,
    AnswerJournal,
    JobStepsRepository,
    ...ROLE_ACTORS,
  ],
  exports: [JobRunner, ActorRegistry],
})
export class ActorsModule {}

"""Grading for teachers: one workspace or a whole class, in the formats that Gradescope, GitHub
Classroom and CI read, and the kits that run the same grader on those platforms.

Everything here runs in the trusted process. Learner code only ever runs in the grader's sandboxes
(through `grader.service.client.GraderClient`), each time on a fresh copy of the submitted file.
"""

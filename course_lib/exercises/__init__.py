"""The visible checks of every chapter's exercises, one module per chapter.

A test cell in a notebook is two lines the student can read::

    check_sgd_step(sgd_step)
    passed("sgd_step")

``check_sgd_step`` (in ``course_lib.exercises.gradient_descent``) holds what used to crowd the
cell: the small cases the student can reproduce, their expected values, and the catalogue of
known wrong answers with the message that names each mistake. Each check takes the student's
answers as arguments, so it reads nothing from the student's namespace.

Under grading the instructor's copy of this package runs in the check kernel, so a student who
edits or replaces these functions in their own environment changes nothing the grader sees;
the hidden tests stay in the solution notebook, between its ``### BEGIN HIDDEN TESTS`` markers,
and are never released.
"""

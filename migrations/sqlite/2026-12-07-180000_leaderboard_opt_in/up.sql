-- Privacy mode `opt_in` (DESIGN.md §6): an employee appears by name only after choosing
-- to on their own page. Nobody has chosen yet (the flag was written as true and never
-- read), so everyone starts out not opted in.
UPDATE employees SET leaderboard_opt_in = 0;

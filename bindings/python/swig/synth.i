/*
 * swig/synth.i: synth.h. ncm_synth_population() with its options as plain arguments; the result is
 * a PopulationHandle (ncm.synth_population() wraps it in an ncm.Population).
 */
%ignore ncm_synth_options;
%ignore ncm_synth_options_init;
%ignore ncm_synth_population;
%ignore NCM_SYNTH_OPTIONS_INIT;
%include "ncm/synth.h"

%newobject ncmpy_synth_population;
%rename(ncm_synth_population) ncmpy_synth_population;
%feature("docstring") ncmpy_synth_population
"ncm_synth_population(seed, people, places, systems, churn_rate, minor_codes_mean) -> PopulationHandle

A synthetic population (see synth.h): same options, same table, byte for byte.";
%inline %{
ncm_population *ncmpy_synth_population(uint64_t seed, size_t people, size_t places, size_t systems,
                                       double churn_rate, double minor_codes_mean)
{
    ncm_synth_options o = NCM_SYNTH_OPTIONS_INIT;
    o.seed = seed;
    o.people = people;
    o.places = places;
    o.systems = systems;
    o.churn_rate = churn_rate;
    o.minor_codes_mean = minor_codes_mean;
    ncm_population *pop = NULL;
    ncm_status st = ncm_synth_population(&o, &pop);
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return pop;
}
%}
